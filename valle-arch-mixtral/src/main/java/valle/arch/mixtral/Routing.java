package valle.arch.mixtral;

/**
 * The router's decision for {@code rows} tokens over {@code experts} experts: the gate logits
 * {@code [rows, experts]}, and per token the {@code k} chosen experts {@code [rows, k]} (best first) with their
 * renormalised weights {@code [rows, k]}.
 */
record Routing(int rows, int experts, int k, float[] logits, int[] chosen, float[] weights) {

    /** Tokens routed to each expert (a token counts once for each of its {@code k} experts). */
    int[] tokensPerExpert() {
        int[] counts = new int[experts];
        for (int e : chosen) {
            counts[e]++;
        }
        return counts;
    }
}
