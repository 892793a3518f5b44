/**
 * LoRA adapters as the reference writes them ({@code lora.sft} beside a model): reading and checking them
 * against the model, applying them on the fly or merged into the weights, and which RVQ levels they serve.
 */
package valle.core.lora;
