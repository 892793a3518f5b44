package valle.text.langdetect;

/**
 * CPython's {@code random.Random}, the parts langdetect uses, so that a seed gives the reference's choices: the
 * Mersenne Twister MT19937 seeded from an integer as {@code random.seed(n)} does ({@code init_by_array} over the
 * 32-bit words of {@code |n|}), {@code random()} (53 bits from two draws), {@code choice} through
 * {@code getrandbits} with rejection ({@code _randbelow_with_getrandbits}), and {@code gauss} with its cached second
 * value. Not thread-safe: one per detection.
 */
final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private static final double TWO_PI = 2.0 * Math.PI;
    private final int[] mt = new int[N];
    private int index;
    private double gaussNext;
    private boolean hasGaussNext;

    PythonRandom(long seed) {
        long magnitude = Math.abs(seed); // Long.MIN_VALUE cannot occur: callers pass non-negative seeds
        int[] key = (magnitude >>> 32) != 0 ? new int[] {(int) magnitude, (int) (magnitude >>> 32)}
                : new int[] {(int) magnitude};
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    private int nextWord() {
        if (index >= N) {
            for (int k = 0; k < N; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
                mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            index = 0;
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** {@code random.random()}: a double in [0, 1) from 53 random bits. */
    double random() {
        long a = Integer.toUnsignedLong(nextWord()) >>> 5;
        long b = Integer.toUnsignedLong(nextWord()) >>> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /** {@code random.choice} on a sequence of {@code n} items: the index drawn. */
    int choiceIndex(int n) {
        int k = 32 - Integer.numberOfLeadingZeros(n); // n.bit_length()
        int r = (int) (Integer.toUnsignedLong(nextWord()) >>> (32 - k));
        while (r >= n) {
            r = (int) (Integer.toUnsignedLong(nextWord()) >>> (32 - k));
        }
        return r;
    }

    /** {@code random.gauss(0.0, 1.0)}: Box–Muller, the second value kept for the next call. */
    double gauss() {
        if (hasGaussNext) {
            hasGaussNext = false;
            return gaussNext;
        }
        double x2pi = random() * TWO_PI;
        double g2rad = Math.sqrt(-2.0 * Math.log(1.0 - random()));
        gaussNext = Math.sin(x2pi) * g2rad;
        hasGaussNext = true;
        return Math.cos(x2pi) * g2rad;
    }
}
