package valle.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import valle.api.arch.BackboneState;

class KvCacheTest {
    private final Object backbone = new Object();

    @Test
    void reservedRowsKeepTheirContentsAsTheCacheGrows() {
        try (KvCache cache = new KvCache(backbone, "test KV cache", 2, 3)) {
            cache.reserve(1);
            cache.keys(1)[2] = 7f;
            cache.values(0)[0] = 5f;
            cache.advance(1);
            cache.reserve(40);
            assertTrue(cache.keys(0).length >= 41 * 3);
            assertEquals(7f, cache.keys(1)[2]);
            assertEquals(5f, cache.values(0)[0]);
            assertEquals(1, cache.length());
        }
    }

    @Test
    void aForkContinuesIndependentlyAndAResetForgetsTheRows() {
        try (KvCache cache = new KvCache(backbone, "test KV cache", 1, 2)) {
            cache.reserve(2);
            cache.keys(0)[1] = 3f;
            cache.advance(2);
            try (KvCache fork = cache.fork()) {
                assertEquals(2, fork.length());
                assertEquals(3f, fork.keys(0)[1]);
                fork.keys(0)[1] = 4f;
                assertEquals(3f, cache.keys(0)[1]);
                assertSame(fork, OwnedState.owned(fork, KvCache.class, backbone, "test backbone"));
            }
            cache.reset();
            assertEquals(0, cache.length());
        }
    }

    @Test
    void aPassCacheGivesEveryLayerTheSameRowsAndItsPoolKeepsOneLayersBuffers() {
        KvCachePool pool = KvCachePool.forPasses(3, 2);
        try (KvCache cache = pool.newCache(backbone, "test pass keys and values")) {
            cache.reserve(5);
            assertSame(cache.keys(0), cache.keys(11));
            assertSame(cache.values(0), cache.values(11));
            assertTrue(cache.keys(0) != cache.values(0));
            cache.keys(4)[2] = 9f;
            assertEquals(9f, cache.keys(0)[2]);
        }
        // one layer's keys and values: two arrays of 128 rows of 3
        assertEquals(1, pool.free());
        assertEquals(2L * KvCache.GROWTH_ROWS * 3, pool.freeFloats());
    }

    @Test
    void aClosedCacheIsRefusedAndClosingTwiceIsHarmless() {
        KvCache cache = new KvCache(backbone, "test KV cache", 1, 2);
        cache.close();
        cache.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.reserve(1));
        assertEquals("this test KV cache is closed", e.getMessage());
        assertThrows(IllegalStateException.class, cache::fork);
        assertThrows(IllegalStateException.class, cache::reset);
    }

    @Test
    void aStateOfAnotherBackboneOrKindIsRefused() {
        KvCache cache = new KvCache(backbone, "test KV cache", 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OwnedState.owned(cache, KvCache.class, new Object(), "test backbone"));
        assertEquals("this state was not made by this test backbone", e.getMessage());
        BackboneState other = new BackboneState() {
            @Override
            public int length() {
                return 0;
            }

            @Override
            public BackboneState fork() {
                return this;
            }

            @Override
            public void reset() {
            }

            @Override
            public void close() {
            }
        };
        assertThrows(IllegalArgumentException.class, () -> OwnedState.owned(other, KvCache.class, backbone, "b"));
        assertThrows(IllegalArgumentException.class, () -> OwnedState.owned(null, KvCache.class, backbone, "b"));
    }

    @Test
    void closedCachesGiveTheirBuffersToTheNextCacheOfThePool() {
        KvCachePool pool = new KvCachePool(2, 3, 2);
        float[] first;
        try (KvCache cache = pool.newCache(backbone, "test KV cache")) {
            cache.reserve(20);
            first = cache.keys(1);
        }
        assertEquals(1, pool.free());
        try (KvCache cache = pool.newCache(backbone, "test KV cache")) {
            cache.reserve(5);
            assertSame(first, cache.keys(1), "a request that fits reuses the closed cache's arrays");
            assertEquals(0, pool.free());
        }
    }

    @Test
    void aPoolKeepsABoundedSetWhateverTheNumberOfRequests() {
        KvCachePool pool = new KvCachePool(1, 4, 2);
        long held = -1;
        for (int request = 0; request < 200; request++) {
            // requests of varying lengths, each forking once as a beam search would
            try (KvCache cache = pool.newCache(backbone, "test KV cache")) {
                for (int step = 0; step < 10 + request % 37; step++) {
                    cache.reserve(1);
                    cache.advance(1);
                }
                cache.fork().close();
            }
            assertTrue(pool.free() <= 2, "free sets " + pool.free());
            if (request == 50) {
                held = pool.freeFloats();
            }
        }
        assertEquals(held, pool.freeFloats(), "the pool stops growing once it holds the largest request's buffers");
    }

    @Test
    void aGrownCacheKeepsItsRowsWhenItsBuffersComeFromThePool() {
        KvCachePool pool = new KvCachePool(1, 2, 4);
        try (KvCache big = pool.newCache(backbone, "test KV cache")) {
            big.reserve(100);
            java.util.Arrays.fill(big.keys(0), 9f);
        }
        try (KvCache cache = pool.newCache(backbone, "test KV cache")) {
            cache.reserve(1);
            cache.keys(0)[0] = 1f;
            cache.keys(0)[1] = 2f;
            cache.advance(1);
            cache.reserve(50);
            assertEquals(1f, cache.keys(0)[0]);
            assertEquals(2f, cache.keys(0)[1]);
        }
    }

    @Test
    void capacityGrowsInStepsOfGrowthRowsAndAForkHoldsWhatItsRowsNeed() {
        KvCachePool pool = new KvCachePool(1, 3, 4);
        try (KvCache cache = pool.newCache(backbone, "test KV cache")) {
            cache.reserve(292);
            assertEquals(384 * 3, cache.keys(0).length, "292 rows round up to 3 steps of 128");
            cache.advance(292);
            for (int step = 0; step < 374; step++) {
                cache.reserve(1);
                cache.advance(1);
            }
            assertEquals(768 * 3, cache.keys(0).length, "666 rows fit 768, where doubling would have held 1,168");
            assertEquals(0, pool.free(), "the arrays a cache grows out of are not kept");
            cache.reserve(500);
            try (KvCache fork = cache.fork()) {
                assertEquals(768 * 3, fork.keys(0).length, "a fork of 666 rows holds 768, not its source's 1,280");
                assertEquals(cache.keys(0)[665 * 3 + 2], fork.keys(0)[665 * 3 + 2]);
            }
        }
        assertEquals(2, pool.free(), "closed caches give their arrays back");
    }
}
