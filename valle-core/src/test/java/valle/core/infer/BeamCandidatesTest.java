package valle.core.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BeamCandidatesTest {

    @Test
    void theTopPairsAcrossEveryItemGoToItemsInRankOrderWhateverItemTheyCameFrom() {
        // item 0 holds the two best values, item 1 the third: item 1 still receives item 0's second token
        float[] item0 = {0.1f, 5f, 4f, -1f};
        float[] item1 = {3f, 0f, 0f, 0f};
        assertArrayEquals(new int[] {1, 2, 0}, ArLoop.beamCandidates(List.of(item0, item1), 4, 3));
    }

    @Test
    void tiesGoToTheLowerFlatIndex() {
        float[] item0 = {1f, 2f};
        float[] item1 = {2f, 1f};
        assertArrayEquals(new int[] {1, 0}, ArLoop.beamCandidates(List.of(item0, item1), 2, 2));
    }
}
