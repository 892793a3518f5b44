/** The contract every plugin kind shares: a name, a priority for {@code auto}, and an availability answer. */
package valle.api.plugin;
