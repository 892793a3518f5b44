package valle.core.model;

/**
 * One embedded segment of an input sequence ({@code text}, {@code lang}, {@code quant_level}, {@code prom},
 * {@code resp}, {@code len}) and its row count, not counting the {@code sep} that may follow it. The output
 * segment is the one whose rows the head reads; it is last and has no {@code sep}.
 */
public record Segment(String name, int rows) {
}
