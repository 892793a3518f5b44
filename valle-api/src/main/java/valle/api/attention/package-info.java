/** The attention-kernel SPI: problems in token-major layout, mask descriptions, and the kernel contract. */
package valle.api.attention;
