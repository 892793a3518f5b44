/** Strict readers for the files models come in: JSON, pickles (with each caller's allowed globals) and safetensors headers. */
package valle.kit.io;
