package valle.core.infer;

/**
 * Classifier-free guidance as the reference's {@code cfg_logits} computes it: {@code summed = null +
 * (cond - null)·s}, then rescaled by {@code r·std(cond)/std(summed) + (1 - r)}, where each std is one scalar
 * over the whole block, unbiased (torch {@code std()} with no dims).
 */
final class ClassifierFreeGuidance {
    private ClassifierFreeGuidance() {
    }

    static float[] apply(float[] cond, float[] uncond, float strength, float rescale) {
        float[] summed = new float[cond.length];
        for (int i = 0; i < cond.length; i++) {
            summed[i] = uncond[i] + (cond[i] - uncond[i]) * strength;
        }
        // cfg_logits skips the rescale for any rescale <= 0
        if (rescale <= 0f) {
            return summed;
        }
        double factor = rescale * (std(cond) / std(summed)) + (1 - rescale);
        for (int i = 0; i < summed.length; i++) {
            summed[i] = (float) (summed[i] * factor);
        }
        return summed;
    }

    private static double std(float[] x) {
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double ss = 0;
        for (float v : x) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (x.length - 1));
    }
}
