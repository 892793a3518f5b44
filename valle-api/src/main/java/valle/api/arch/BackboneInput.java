package valle.api.arch;

import java.util.Objects;
import valle.api.Stable;

/**
 * One sequence for a backbone: {@code rows} input embeddings {@code [rows, D]} (row-major), a position id per
 * row, and how the rows attend to each other. Arrays are owned by the caller and only read.
 */
@Stable(since = "0.1")
public record BackboneInput(float[] embeddings, int rows, int[] positions, MaskMode mask) {

    public BackboneInput {
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(positions, "positions");
        Objects.requireNonNull(mask, "mask");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        if (positions.length != rows) {
            throw new IllegalArgumentException(positions.length + " position ids for " + rows + " rows");
        }
        if (rows > 0 && embeddings.length % rows != 0) {
            throw new IllegalArgumentException(embeddings.length + " embedding values do not split into " + rows + " rows");
        }
    }

    /** D as implied by the embeddings. */
    public int width() {
        return rows == 0 ? 0 : embeddings.length / rows;
    }
}
