package valle.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.MaskMode;

class StatefulBackboneTest {
    private static final BackboneConfig CONFIG =
            new BackboneConfig("test", 2, 1, 1, 1, 4, 1e-5f, 10000f, "gelu", Map.of());

    /** Doubles its rows and records every pass: its state, whether a probe watched, whether the rows are kept. */
    private static final class Doubling extends StatefulBackbone<KvCache> {
        final List<KvCache> states = new ArrayList<>();
        final List<Boolean> watched = new ArrayList<>();
        final List<Boolean> kept = new ArrayList<>();
        int released;

        Doubling() {
            super(CONFIG, KvCache.class, "doubling backbone");
        }

        @Override
        public KvCache newState() {
            return new KvCache(this, "doubling cache", 1, 2);
        }

        @Override
        protected float[] pass(KvCache state, BackboneInput input, BackboneProbe probe, boolean keep) {
            states.add(state);
            watched.add(probe != UNWATCHED);
            kept.add(keep);
            state.advance(input.rows());
            float[] out = input.embeddings().clone();
            for (int i = 0; i < out.length; i++) {
                out[i] *= 2;
            }
            return out;
        }

        @Override
        protected void release() {
            released++;
        }
    }

    private static BackboneInput rows(int n) {
        float[] x = new float[n * 2];
        int[] positions = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        return new BackboneInput(x, n, positions, MaskMode.CAUSAL);
    }

    @Test
    void aFullPassRunsThroughAFreshStateThatIsClosedAfterIt() {
        Doubling b = new Doubling();
        assertSame(CONFIG, b.config());
        assertArrayEquals(new float[] {0, 2, 4, 6}, b.forward(rows(2)));
        KvCache scratch = b.states.getFirst();
        assertThrows(IllegalStateException.class, scratch::fork, "the scratch state is closed");
        assertEquals(List.of(false), b.watched);
        assertEquals(List.of(false), b.kept);
        b.forward(rows(1), new BackboneProbe() { });
        assertEquals(List.of(false, true), b.watched);
    }

    @Test
    void aCallersStateIsKeptAndMustBeTheBackbonesOwnAndOpen() {
        Doubling b = new Doubling();
        try (KvCache state = b.newState()) {
            b.forward(state, rows(3));
            assertEquals(3, state.length());
            assertEquals(List.of(true), b.kept);
            assertEquals(List.of(false), b.watched);
        }
        KvCache foreign = new Doubling().newState();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.forward(foreign, rows(1)));
        assertEquals("this state was not made by this doubling backbone", e.getMessage());
        KvCache closed = b.newState();
        closed.close();
        assertThrows(IllegalStateException.class, () -> b.forward(closed, rows(1)));
    }

    @Test
    void rowsOfAnotherWidthAreRefusedAndNoRowsAreNoPass() {
        Doubling b = new Doubling();
        BackboneInput wide = new BackboneInput(new float[3], 1, new int[] {0}, MaskMode.CAUSAL);
        assertThrows(IllegalArgumentException.class, () -> b.forward(wide));
        try (KvCache state = b.newState()) {
            assertEquals(0, b.forward(state, rows(0)).length);
            assertEquals(0, state.length());
        }
        assertTrue(b.states.isEmpty(), "no pass ran");
    }

    @Test
    void aClosedBackboneRefusesEveryPassAndReleasesOnce() {
        Doubling b = new Doubling();
        KvCache state = b.newState();
        b.close();
        b.close();
        assertEquals(1, b.released);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.forward(rows(1)));
        assertEquals("this doubling backbone is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> b.forward(state, rows(1)));
        assertTrue(b.states.isEmpty(), "no pass ran");
    }
}
