package valle.arch.mixtral;

import java.util.List;
import valle.kit.nn.Activation;
import valle.kit.thread.KernelPool;

/**
 * The sparse mixture-of-experts block: each expert runs once per pass, over only the tokens routed to it
 * (gathered into a dense block), and its outputs are added back to those tokens scaled by their routing
 * weights, experts in index order as HF's {@code index_add_} does. No dense all-experts pass is made.
 */
final class SparseMoe {
    private final Router router;
    private final List<Expert> experts;
    private final Activation activation;

    SparseMoe(Router router, List<Expert> experts, Activation activation) {
        if (router.experts() != experts.size()) {
            throw new IllegalArgumentException("the router chooses among " + router.experts() + " experts, "
                    + experts.size() + " are given");
        }
        this.router = router;
        this.experts = List.copyOf(experts);
        this.activation = activation;
    }

    /** Routes {@code h [rows, D]} and adds the weighted expert outputs to {@code out [rows, D]}. */
    Routing apply(float[] h, int rows, float[] out, KernelPool pool) {
        Routing routing = router.route(h, rows, pool);
        int d = out.length / Math.max(rows, 1);
        int k = routing.k();
        int[] counts = routing.tokensPerExpert();
        for (int e = 0; e < experts.size(); e++) {
            int n = counts[e];
            if (n == 0) {
                continue;
            }
            int[] tokens = new int[n];
            float[] scale = new float[n];
            float[] gathered = new float[n * d];
            int at = 0;
            for (int i = 0; i < rows * k; i++) {
                if (routing.chosen()[i] == e) {
                    int token = i / k;
                    tokens[at] = token;
                    scale[at] = routing.weights()[i];
                    System.arraycopy(h, token * d, gathered, at * d, d);
                    at++;
                }
            }
            float[] y = new float[n * d];
            experts.get(e).apply(gathered, n, activation, y, pool);
            for (int t = 0; t < n; t++) {
                int base = tokens[t] * d;
                for (int c = 0; c < d; c++) {
                    out[base + c] += y[t * d + c] * scale[t];
                }
            }
        }
        return routing;
    }
}
