/** Base classes for plugins: the descriptor every plugin carries, and the arch plugins' check of a config. */
package valle.kit.plugin;
