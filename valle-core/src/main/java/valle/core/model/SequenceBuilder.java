package valle.core.model;

import java.util.ArrayList;
import java.util.List;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneInput;
import valle.api.arch.MaskMode;
import valle.api.codec.Codes;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * Builds the input sequence of each pass the reference makes ({@code Base.inputs} and
 * {@code inputs_to_embeddings}, {@code docs/spec/valle-reference.md} §3): segments {@code text, lang,
 * quant_level, [prom], resp|len}, joined by the learned {@code sep} vector, with per-segment or unified
 * position ids and the mask mode of the head. Thread-safe.
 */
public final class SequenceBuilder {
    /** Text of the classifier-free-guidance null condition: just {@code <bos>, <eos>}. */
    public static final int[] NULL_TEXT = {1, 2};

    private final ModelConfig config;
    private final ModelLayout layout;
    private final int d;
    private final TensorView text;
    private final TensorView langs;
    private final TensorView rvqLevels;
    private final TensorView lenDigits;
    private final float[] sep;
    private final List<TensorView> prompts = new ArrayList<>();
    private final List<TensorView> responses = new ArrayList<>();

    public SequenceBuilder(ModelConfig config, ModelLayout layout, Weights w) {
        this.config = config;
        this.layout = layout;
        this.d = layout.hiddenSize();
        this.text = table(w, "text_emb.weight");
        this.langs = table(w, "langs_emb.weight");
        this.rvqLevels = table(w, "rvq_l_emb.weight");
        this.lenDigits = layout.len() ? table(w, "len_emb.weight") : null;
        this.sep = w.require("sep", d).toFloatArray();
        for (int l = 0; l < layout.respLevels(); l++) {
            prompts.add(table(w, "proms_emb.embeddings." + l + ".weight"));
        }
        for (int i = 0; i < layout.responseTables().size(); i++) {
            responses.add(table(w, "resps_emb.embeddings." + i + ".weight"));
        }
        if (rvqLevels.rows() < layout.respLevels()) {
            throw new ModelFormatException(w.source() + ": rvq_l_emb.weight has " + rvqLevels.rows()
                    + " rows for " + layout.respLevels() + " levels");
        }
    }

    private TensorView table(Weights w, String name) {
        TensorView t = w.find(name).orElseThrow(() -> new ModelFormatException(
                w.source() + ": tensor '" + name + "' is missing"));
        if (t.shape().length != 2 || t.columns() != d) {
            throw new ModelFormatException(w.source() + ": tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(t.shape()) + ", expected [rows, " + d + "]");
        }
        return t;
    }

    /**
     * The AR pass for level 0: the head {@code AR:0:0} reads the last row.
     *
     * @param prompt   prompt codes {@code [Tp, levels]}, or {@code null} for none
     * @param response level-0 codes generated so far (may be empty; 1024 = stop is allowed)
     */
    public InputSequence ar(int[] textIds, int lang, Codes prompt, int[] response) {
        return arParts(textIds, lang, prompt, response).finish("AR:0:0");
    }

    /**
     * The rows from {@code fromRow} on of {@link #ar}'s sequence, as backbone input: what an AR step feeds after
     * the rows its KV cache holds, without embedding those rows again (the same embeddings and positions as
     * {@link #ar}'s rows).
     */
    public Tail arTail(int[] textIds, int lang, Codes prompt, int[] response, int fromRow) {
        return arParts(textIds, lang, prompt, response).tail("AR:0:0", fromRow);
    }

    /**
     * The last rows of a sequence as backbone input.
     *
     * @param input     the rows from the first one not yet fed
     * @param totalRows the rows of the whole sequence
     * @param head      the classifier head that reads its output segment
     */
    public record Tail(BackboneInput input, int totalRows, String head) {
    }

    private Parts arParts(int[] textIds, int lang, Codes prompt, int[] response) {
        Parts p = prefix(textIds, lang, 0, prompt);
        int table = layout.responseTable("AR:0:0");
        p.add("resp", response.length, (row, out) -> add(responses.get(table), response[row], out, "AR:0:0 code"));
        return p;
    }

    /**
     * The NAR pass predicting {@code level} (1..levels-1) from the codes of the levels below it.
     *
     * @param response codes {@code [T, >= level]}; levels {@code 0..level-1} are read
     */
    public InputSequence nar(int[] textIds, int lang, Codes prompt, Codes response, int level) {
        if (level < 1 || level >= layout.respLevels()) {
            throw new IllegalArgumentException("NAR level must be in 1.." + (layout.respLevels() - 1) + ", got " + level);
        }
        if (response.levels() < level) {
            throw new IllegalArgumentException("predicting level " + level + " needs " + level
                    + " levels of response codes, got " + response.levels());
        }
        Parts p = prefix(textIds, lang, level, prompt);
        String head = "NAR:" + (level - 1) + ":" + level;
        // the name resolves to table offset index(name) - (level - 1), i.e. 1: level k reads table k + 1
        int offset = layout.responseTable(head) - (level - 1);
        p.add("resp", response.frames(), (row, out) -> audio(responses, offset, response, row, level - 1,
                config.audioEmbeddingSums().response(), out));
        return p.finish(head);
    }

    /**
     * The NAR-len demasking pass over level 0: {@code response} holds codes, 1024 where masked.
     *
     * @param prompt {@code null} for the CFG null condition (with {@link #NULL_TEXT})
     */
    public InputSequence narLen(int[] textIds, int lang, Codes prompt, int[] response) {
        Parts p = prefix(textIds, lang, 0, prompt);
        int table = layout.responseTable("NAR:0:0");
        p.add("resp", response.length, (row, out) -> add(responses.get(table), response[row], out, "NAR:0:0 code"));
        return p.finish("NAR:0:0");
    }

    /**
     * The speech-to-text pass ({@code Base.inputs} task {@code stt}, {@code docs/spec/remaining-features.md} §1.3):
     * segments {@code resp} (the speech codes, summed over levels as {@link #sttSpeech} says), {@code lang},
     * {@code quant_level} 0 and {@code text} (the ids so far, starting with {@code <bos>}); no prompt and no task
     * row. Causal; the {@code stt} head reads the last row.
     *
     * @param speech codes {@code [T, >= 2]}
     */
    public InputSequence stt(Codes speech, int lang, int[] textIds) {
        return sttParts(speech, lang, textIds).finish("stt");
    }

    /** The rows of {@link #stt}'s sequence from {@code fromRow} on, for a cached backbone (the task is causal). */
    public Tail sttTail(Codes speech, int lang, int[] textIds, int fromRow) {
        return sttParts(speech, lang, textIds).tail("stt", fromRow);
    }

    private Parts sttParts(Codes speech, int lang, int[] textIds) {
        int levels = speech.levels();
        if (levels < 2) {
            throw new IllegalArgumentException("speech-to-text needs at least 2 RVQ levels of speech codes, got "
                    + levels + " (EnCodec at 6 kbps gives 8)");
        }
        // level l reads tables up to l + 1 (offset 1): the highest level used is levels - 2
        if (levels - 1 > responses.size()) {
            throw new IllegalArgumentException("speech codes with " + levels + " levels need " + (levels - 1)
                    + " response embedding tables; this model has " + responses.size());
        }
        Parts p = new Parts();
        p.add("resp", speech.frames(), (row, out) -> sttSpeech(speech, row, out));
        p.add("lang", 1, (row, out) -> add(langs, lang, out, "language id", layout.langs()));
        p.add("quant_level", 1, (row, out) -> add(rvqLevels, 0, out, "RVQ level"));
        p.add("text", textIds.length, (row, out) -> add(text, textIds[row], out, "text token", layout.textTokens()));
        return p;
    }

    /**
     * One frame of the STT {@code resp} segment ({@code base.py:1210-1219}): the sum over l = 0..L-2 of the
     * response embedding at quant level l (offset 0 for l = 0, else 1), each term summed on its own and added in
     * order of l, as Python's {@code sum} does. The last level's codes are never read.
     */
    private void sttSpeech(Codes speech, int frame, float[] out) {
        boolean sums = config.audioEmbeddingSums().response();
        float[] term = new float[d];
        for (int l = 0; l < speech.levels() - 1; l++) {
            java.util.Arrays.fill(term, 0f);
            audio(responses, l == 0 ? 0 : 1, speech, frame, l, sums, term);
            for (int c = 0; c < d; c++) {
                out[c] += term[c];
            }
        }
    }

    /** The duration pass: {@code digits} so far, starting with the 0 token; the {@code len} head reads the last row. */
    public InputSequence len(int[] textIds, int lang, Codes prompt, int[] digits) {
        return lenParts(textIds, lang, prompt, digits).finish("len");
    }

    /**
     * The rows of the {@code len} sequence from row {@code fromRow} on (embedded alone), for feeding it through a
     * cached backbone a digit at a time: the task is causal, so earlier rows never change as digits are added.
     */
    public Tail lenTail(int[] textIds, int lang, Codes prompt, int[] digits, int fromRow) {
        return lenParts(textIds, lang, prompt, digits).tail("len", fromRow);
    }

    private Parts lenParts(int[] textIds, int lang, Codes prompt, int[] digits) {
        if (lenDigits == null) {
            throw new IllegalStateException("this model has no len capability");
        }
        Parts p = prefix(textIds, lang, 0, prompt);
        p.add("len", digits.length, (row, out) -> add(lenDigits, digits[row], out, "len token"));
        return p;
    }

    private Parts prefix(int[] textIds, int lang, int level, Codes prompt) {
        Parts p = new Parts();
        p.add("text", textIds.length, (row, out) -> add(text, textIds[row], out, "text token", layout.textTokens()));
        p.add("lang", 1, (row, out) -> add(langs, lang, out, "language id", layout.langs()));
        p.add("quant_level", 1, (row, out) -> add(rvqLevels, level, out, "RVQ level"));
        if (prompt != null) {
            if (prompt.levels() < Math.max(1, level)) {
                throw new IllegalArgumentException("the prompt has " + prompt.levels() + " levels, level " + level
                        + " needs " + Math.max(1, level));
            }
            // prompt_input_to_embedding: the first max(1, L) levels at quant level max(0, L-1), offset 0
            int q = Math.max(0, level - 1);
            p.add("prom", prompt.frames(), (row, out) -> audio(prompts, 0, prompt, row, q,
                    config.audioEmbeddingSums().prompt(), out));
        }
        return p;
    }

    /**
     * {@code AudioEmbedding.forward} at 0d4329d: with sums and {@code q > 0} it adds
     * {@code table[k + offset][codes[k]]} for k = 0..q-1 — the level q itself is left out (the reference's
     * off-by-one, fixed upstream later; "fixing" it here breaks the goldens) — else the single term
     * {@code table[q + offset][codes[q]]}.
     */
    private void audio(List<TensorView> tables, int offset, Codes codes, int frame, int q, boolean sums, float[] out) {
        if (sums && q > 0) {
            for (int k = 0; k < q; k++) {
                add(tables.get(k + offset), codes.get(frame, k), out, "audio code");
            }
        } else {
            add(tables.get(q + offset), codes.get(frame, q), out, "audio code");
        }
    }

    private void add(TensorView table, int id, float[] out, String what) {
        add(table, id, out, what, table.rows());
    }

    private void add(TensorView table, int id, float[] out, String what, int usableRows) {
        if (id < 0 || id >= usableRows) {
            throw new IllegalArgumentException(what + " " + id + " is out of range: " + table.name() + " has "
                    + usableRows + " usable rows");
        }
        float[] row = new float[d];
        table.readRow(id, row, 0);
        for (int c = 0; c < d; c++) {
            out[c] += row[c];
        }
    }

    /** Embeds one row of a segment into {@code out} (zeroed, D wide). */
    private interface RowEmbedder {
        void embed(int row, float[] out);
    }

    /** Segments collected so far. */
    private final class Parts {
        private final List<Segment> segments = new ArrayList<>();
        private final List<RowEmbedder> embedders = new ArrayList<>();

        void add(String name, int rows, RowEmbedder e) {
            segments.add(new Segment(name, rows));
            embedders.add(e);
        }

        InputSequence finish(String head) {
            int total = totalRows();
            return new InputSequence(embed(0, total), total, positions(total), maskFor(head), segments, head);
        }

        Tail tail(String head, int fromRow) {
            int total = totalRows();
            if (fromRow < 0 || fromRow > total) {
                throw new IllegalArgumentException("row " + fromRow + " is outside a sequence of " + total + " rows");
            }
            int[] pos = java.util.Arrays.copyOfRange(positions(total), fromRow, total);
            return new Tail(new BackboneInput(embed(fromRow, total), total - fromRow, pos, maskFor(head)), total, head);
        }

        /** Segment rows plus a sep between segments. */
        private int totalRows() {
            int total = segments.size() - 1;
            for (Segment s : segments) {
                total += s.rows();
            }
            return total;
        }

        /** The embeddings of rows {@code from .. to - 1} (segment rows and seps), {@code [to - from, D]}. */
        private float[] embed(int from, int to) {
            float[] x = new float[(to - from) * d];
            float[] row = new float[d];
            int r = 0;
            for (int s = 0; s < segments.size() && r < to; s++) {
                Segment seg = segments.get(s);
                for (int i = 0; i < seg.rows(); i++, r++) {
                    if (r >= from && r < to) {
                        java.util.Arrays.fill(row, 0f);
                        embedders.get(s).embed(i, row);
                        System.arraycopy(row, 0, x, (r - from) * d, d);
                    }
                }
                if (s < segments.size() - 1) {
                    if (r >= from && r < to) {
                        System.arraycopy(sep, 0, x, (r - from) * d, d);
                    }
                    r++;
                }
            }
            return x;
        }

        /** Each row's position: its index in its segment (a sep takes its segment's next one), or unified. */
        private int[] positions(int total) {
            int[] pos = new int[total];
            if (config.unifiedPositionIds()) {
                for (int i = 0; i < total; i++) {
                    pos[i] = i;
                }
                return pos;
            }
            int r = 0;
            for (int s = 0; s < segments.size(); s++) {
                int rows = segments.get(s).rows();
                for (int i = 0; i < rows; i++) {
                    pos[r++] = i;
                }
                if (s < segments.size() - 1) {
                    pos[r++] = rows;
                }
            }
            return pos;
        }
    }

    /** Causal unless the checkpoint asks for non-causal NAR passes and this is one (§3.5). */
    private MaskMode maskFor(String head) {
        return config.noncausalMasks() && head.startsWith("NAR:") ? MaskMode.BIDIRECTIONAL : MaskMode.CAUSAL;
    }
}
