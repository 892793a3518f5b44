/** The codec SPI: PCM to RVQ codes and back. */
package valle.api.codec;
