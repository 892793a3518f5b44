package valle.arch.mixtral;

import java.util.concurrent.ForkJoinPool;
import valle.kit.nn.Activation;

/** One expert's gated MLP, {@code w2(act(w1·x) ⊙ w3·x)}, with HF Mixtral's weight names. */
record Expert(Linear w1, Linear w3, Linear w2) {

    /** {@code y [rows, D]} for the rows {@code x [rows, D]}. */
    void apply(float[] x, int rows, Activation activation, float[] y, ForkJoinPool pool) {
        int f = w1.outFeatures();
        float[] gate = new float[rows * f];
        float[] up = new float[rows * f];
        w1.apply(x, rows, gate, pool);
        w3.apply(x, rows, up, pool);
        activation.gated(gate, up, gate.length, gate);
        w2.apply(gate, rows, y, pool);
    }
}
