package valle.kit.quant;

/** The checks every {@link BlockQuantizer} makes of its block size and of each weight. */
final class BlockChecks {
    private BlockChecks() {
    }

    /** Refuses the block size of a rule. */
    static int checkedBlockSize(int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("a quantisation block holds at least one weight, not " + blockSize);
        }
        return blockSize;
    }

    /** Refuses a weight that no scale represents without overflow. */
    static void requireInRange(float value, int column) {
        if (!(Math.abs(value) <= BlockQuantizer.LARGEST)) {
            throw new IllegalArgumentException("weight at column " + column + " is " + value
                    + ": only finite weights of magnitude up to " + BlockQuantizer.LARGEST + " can be quantised; load this checkpoint as f32");
        }
    }
}
