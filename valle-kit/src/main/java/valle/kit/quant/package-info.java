/**
 * Block quantisation of weight rows, made at load: each row is cut into blocks of consecutive weights along the
 * input, and each block is stored as small integer codes with one float scale (and, for 4 bits, one zero point).
 * The quantisers here say only which codes, scales and zero points a row gets, one code per weight in a byte;
 * how a backend lays them out (packed nibbles, interleaved blocks, an operator's byte order) is the backend's.
 */
package valle.kit.quant;
