package valle.codec.nn;

import valle.kit.vector.FloatVectors;
import valle.kit.vector.VectorApi;

/** The squared Euclidean distance of two runs of floats: on the Vector API when present, else the plain loop. */
public final class Distance {
    private Distance() {
    }

    public static float squared(float[] a, int aOff, float[] b, int bOff, int n) {
        return VectorApi.present() ? FloatVectors.squaredDistance(a, aOff, b, bOff, n) : squaredScalar(a, aOff, b, bOff, n);
    }

    /** {@code Σ (a_i - b_i)²} in index order. */
    public static float squaredScalar(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float d = a[aOff + i] - b[bOff + i];
            s += d * d;
        }
        return s;
    }
}
