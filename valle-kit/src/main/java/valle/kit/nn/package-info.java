/** The pieces backbones are built from: RMSNorm, RoPE, activations, the KV cache and the Llama tensor layout. */
package valle.kit.nn;
