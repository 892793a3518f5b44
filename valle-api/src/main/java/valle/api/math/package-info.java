/** Elementwise functions shared by backbone plugins (exact GELU, SiLU, softplus, erf) and rotary angle tables. */
package valle.api.math;
