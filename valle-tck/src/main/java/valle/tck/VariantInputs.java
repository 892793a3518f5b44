package valle.tck;

import valle.api.codec.Codes;
import valle.core.infer.Prompted;
import valle.core.load.NpyArray;

/**
 * The fixed inputs every case of a model variant shares ({@code inputs/}): text ids, language, prompt codes
 * and the response codes the forward cases feed. A speech-to-text variant has no text ({@code text} is null): its
 * cases carry their own speech codes.
 */
record VariantInputs(int[] text, int lang, Codes prompt, Codes response) {

    /** The conditioning every pass of the variant shares. */
    Prompted prompted() {
        return new Prompted(text(), lang, prompt);
    }

    /** The text ids; a text-to-speech case of a variant without them fails with this message. */
    @Override
    public int[] text() {
        if (text == null) {
            throw new IllegalStateException("the variant's inputs have no text_tokens.npy");
        }
        return text;
    }

    static VariantInputs read(GoldenFolder inputs) {
        int[] text = inputs.array("text_tokens").map(NpyArray::ints).orElse(null);
        int lang = inputs.array("lang").map(a -> a.ints()[0]).orElse(0);
        Codes prompt = inputs.array("prom_codes").map(VariantInputs::codes).orElse(null);
        Codes response = inputs.array("resp_codes").map(VariantInputs::codes).orElse(null);
        return new VariantInputs(text, lang, prompt, response);
    }

    /** A {@code [T, L]} integer array as codes. */
    static Codes codes(NpyArray a) {
        if (a.shape().length != 2) {
            throw new IllegalArgumentException("codes must be [frames, levels], got " + a.shapeString());
        }
        return new Codes(a.shape()[0], a.shape()[1], a.ints());
    }

    /** The first {@code levels} levels of every frame. */
    static Codes firstLevels(Codes c, int levels) {
        int[] out = new int[c.frames() * levels];
        for (int t = 0; t < c.frames(); t++) {
            for (int l = 0; l < levels; l++) {
                out[t * levels + l] = c.get(t, l);
            }
        }
        return new Codes(c.frames(), levels, out);
    }
}
