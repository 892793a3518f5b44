/** The Vector API helpers every kernel shares: whether the API is present, fixed-order lane sums, dot products. */
package valle.kit.vector;
