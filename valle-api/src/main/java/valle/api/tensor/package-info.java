/** Views of named weight tensors in their file dtype ({@code F32}, {@code F16}, {@code BF16}), widened on read. */
package valle.api.tensor;
