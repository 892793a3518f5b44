/** The backbone SPI: a family plugin ({@link valle.api.arch.Arch}) that opens a {@link valle.api.arch.Backbone}. */
package valle.api.arch;
