/** The phonemizer SPI: plain text in, the phoneme string the reference tokenizes out. */
package valle.api.text;
