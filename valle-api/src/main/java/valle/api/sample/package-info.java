/** The sampler SPI: logits to tokens under the reference's settings. */
package valle.api.sample;
