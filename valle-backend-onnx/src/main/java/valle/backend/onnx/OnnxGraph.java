package valle.backend.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A small writer of ONNX graphs (opset 17; float32, with int64 for codes and shapes): nodes with generated output
 * names, graph inputs and outputs with symbolic dimensions, constants stored in the graph, and weights that are
 * only declared (their data is handed to ONNX Runtime in memory when the session is made, see
 * {@link OrtRuntime#session}).
 */
final class OnnxGraph {
    static final int OPSET = 17;
    /** ONNX Runtime's own operators (fused kernels such as {@code RotaryEmbedding}), version 1. */
    static final String MICROSOFT = "com.microsoft";
    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    private static final int INT64 = TensorProto.DataType.INT64.getNumber();
    private static final int UINT8 = TensorProto.DataType.UINT8.getNumber();
    private static final int INT8 = TensorProto.DataType.INT8.getNumber();

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final java.util.List<String> weights = new java.util.ArrayList<>();
    private int next;

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** A float32 graph input; a {@code String} dimension is symbolic, an {@code Integer} fixed. */
    String input(String name, Object... dims) {
        graph.addInput(valueInfo(name, FLOAT, dims));
        return name;
    }

    /** An int64 graph input (codes, ids). */
    String int64Input(String name, Object... dims) {
        graph.addInput(valueInfo(name, INT64, dims));
        return name;
    }

    /** Declares {@code name} (a node's output) a float32 graph output. */
    void output(String name, Object... dims) {
        graph.addOutput(valueInfo(name, FLOAT, dims));
    }

    /** Declares {@code name} (a node's output) an int64 graph output. */
    void int64Output(String name, Object... dims) {
        graph.addOutput(valueInfo(name, INT64, dims));
    }

    /** The names of the weights declared so far, in order: what the session must be given. */
    java.util.List<String> weights() {
        return java.util.List.copyOf(weights);
    }

    /**
     * A weight of shape {@code dims} whose values are not in the graph: it is marked as external data, which
     * ONNX Runtime replaces with the tensor given to {@code SessionOptions.addExternalInitializers}.
     */
    String weight(String name, int... dims) {
        return weight(name, FLOAT, dims);
    }

    /** As {@link #weight(String, int...)} for a weight of unsigned bytes (quantised codes, packed zero points). */
    String byteWeight(String name, int... dims) {
        return weight(name, UINT8, dims);
    }

    /** As {@link #weight(String, int...)} for a weight of signed bytes (int8 codes). */
    String int8Weight(String name, int... dims) {
        return weight(name, INT8, dims);
    }

    private String weight(String name, int dataType, int... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("in-memory"));
        for (int d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        weights.add(name);
        return name;
    }

    /** A float32 constant of shape {@code dims} (a scalar when none) stored in the graph. */
    String constant(float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return constant(FLOAT, b.flip(), dims);
    }

    /** A scalar float32 constant. */
    String scalar(float value) {
        return constant(new float[] {value});
    }

    /** A 1-D int64 constant (shapes, split sizes). */
    String ints(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return constant(INT64, b.flip(), values.length);
    }

    /** A node of {@code op} over {@code inputs} with one output, returned; {@code attributes} come in pairs. */
    String node(String op, String[] inputs, Object... attributes) {
        return nodes(op, inputs, 1, attributes)[0];
    }

    /** As {@link #node(String, String[], Object...)} with one input. */
    String node(String op, String input, Object... attributes) {
        return node(op, new String[] {input}, attributes);
    }

    /** A node with {@code outputs} outputs, returned in order. */
    String[] nodes(String op, String[] inputs, int outputs, Object... attributes) {
        String[] names = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            names[i] = op.toLowerCase(java.util.Locale.ROOT) + "_" + next++;
        }
        return nodeWithOutputs(op, inputs, names, attributes);
    }

    /** A node of one of ONNX Runtime's own operators ({@value #MICROSOFT}) with one output, returned. */
    String runtimeNode(String op, String[] inputs, Object... attributes) {
        return runtimeNodes(op, inputs, 1, attributes)[0];
    }

    /** As {@link #runtimeNode} with {@code outputs} outputs; an input named {@code ""} is an omitted optional one. */
    String[] runtimeNodes(String op, String[] inputs, int outputs, Object... attributes) {
        String[] names = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            names[i] = op.toLowerCase(java.util.Locale.ROOT) + "_" + next++;
        }
        return add(op, MICROSOFT, inputs, names, attributes);
    }

    /** A node whose outputs have the given names (graph outputs). */
    String[] nodeWithOutputs(String op, String[] inputs, String[] outputs, Object... attributes) {
        return add(op, "", inputs, outputs, attributes);
    }

    private String[] add(String op, String domain, String[] inputs, String[] outputs, Object... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setDomain(domain).setName(op + "_" + next++);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (String out : outputs) {
            n.addOutput(out);
        }
        for (int i = 0; i < attributes.length; i += 2) {
            n.addAttribute(attribute((String) attributes[i], attributes[i + 1]));
        }
        graph.addNode(n);
        return outputs;
    }

    /** A serialized model and the names of the weights its session must be given. */
    record Model(byte[] bytes, java.util.List<String> weights) {
    }

    /** {@link #toBytes} with the declared weights. */
    Model model() {
        return new Model(toBytes(), weights());
    }

    /** The model: this graph under opset {@value #OPSET} (and {@value #MICROSOFT} 1), IR version 8. */
    byte[] toBytes() {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("valle")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MICROSOFT).setVersion(1))
                .setGraph(graph).build().toByteArray();
    }

    private String constant(int dataType, ByteBuffer bytes, long... dims) {
        String name = "const_" + next++;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType)
                .setRawData(ByteString.copyFrom(bytes));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String symbol) {
                dim.setDimParam(symbol);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    private static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (value) {
            case Integer i -> a.setType(AttributeProto.AttributeType.INT).setI(i);
            case Long l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
            case Float f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            case String str -> a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(str));
            case long[] ls -> {
                a.setType(AttributeProto.AttributeType.INTS);
                for (long l : ls) {
                    a.addInts(l);
                }
            }
            default -> throw new IllegalArgumentException("attribute " + name + ": unsupported value " + value);
        }
        return a.build();
    }
}
