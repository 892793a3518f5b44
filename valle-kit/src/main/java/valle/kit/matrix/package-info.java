/** Weight matrices packed once at load for the Vector API kernels, and the fused gated unit of an MLP. */
package valle.kit.matrix;
