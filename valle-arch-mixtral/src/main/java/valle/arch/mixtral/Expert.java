package valle.arch.mixtral;

import valle.kit.matrix.PackedMatrix;
import valle.kit.nn.Activation;
import valle.kit.thread.KernelPool;

/** One expert's gated MLP, {@code w2(act(w1·x) ⊙ w3·x)}, with HF Mixtral's weight names. */
record Expert(PackedMatrix w1, PackedMatrix w3, PackedMatrix w2) {

    /** {@code y [rows, D]} for the rows {@code x [rows, D]}. */
    void apply(float[] x, int rows, Activation activation, float[] y, KernelPool pool) {
        int f = w1.outFeatures();
        float[] gate = new float[rows * f];
        float[] up = new float[rows * f];
        w1.multiply(x, rows, gate, pool);
        w3.multiply(x, rows, up, pool);
        activation.gated(gate, up, gate.length, gate);
        w2.multiply(gate, rows, y, pool);
    }
}
