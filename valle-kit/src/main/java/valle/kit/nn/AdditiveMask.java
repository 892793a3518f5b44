package valle.kit.nn;

import valle.api.Experimental;
import valle.api.arch.MaskMode;
import valle.api.attention.AttentionMask;

/**
 * A backbone's attention mask as the additive bias that graph runtimes (ONNX Runtime, PyTorch) add to the
 * scores: 0 where query row {@code i} may see key {@code j}, {@code -inf} elsewhere.
 */
@Experimental("shared by the native backends since the kit was made")
public final class AdditiveMask {
    private AdditiveMask() {
    }

    /** The bias {@code [rows, past + rows]} of {@code rows} new rows after {@code past} cached ones. */
    public static float[] of(MaskMode mode, int past, int rows) {
        int keys = past + rows;
        AttentionMask mask = mode == MaskMode.CAUSAL ? AttentionMask.causal(past) : AttentionMask.none();
        float[] out = new float[rows * keys];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < keys; j++) {
                out[i * keys + j] = mask.visible(i, j, keys) ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        return out;
    }
}
