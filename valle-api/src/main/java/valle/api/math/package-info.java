/** Elementwise functions shared by backbone plugins (exact GELU, SiLU, softplus, erf). */
package valle.api.math;
