package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** A call's scratch hands an array out again only once it is given back, and only for its own length. */
class ScratchTest {

    @Test
    void givenArraysComeBackForTheirLength() {
        Scratch scratch = Scratch.forCall();
        float[] a = scratch.take(8);
        assertNotSame(a, scratch.take(8));
        scratch.give(a);
        assertNotSame(a, scratch.take(9));
        assertSame(a, scratch.take(8));
        assertNotSame(a, scratch.take(8));
    }

    @Test
    void noneKeepsNothing() {
        float[] a = Scratch.NONE.take(4);
        Scratch.NONE.give(a);
        assertNotSame(a, Scratch.NONE.take(4));
        assertEquals(4, Scratch.NONE.signal(2, 2).data().length);
    }

    @Test
    void inPlaceOperationsMatchTheirDefinitions() {
        Signal x = new Signal(1, 3, new float[] {-1f, 0f, 2f});
        Signal elu = x.elu(Scratch.NONE);
        assertEquals((float) (Math.exp(-1) - 1), elu.data()[0]);
        assertEquals(2f, elu.data()[2]);
        assertSame(x, x.eluInPlace());
        assertEquals(elu.data()[0], x.data()[0]);
        assertSame(x, x.addInPlace(new Signal(1, 3, new float[] {1f, 1f, 1f})));
        assertEquals(3f, x.data()[2]);
    }
}
