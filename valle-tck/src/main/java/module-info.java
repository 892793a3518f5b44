/**
 * The valle conformance kit: runs golden cases recorded from the reference (a folder of model variants
 * and case folders, recognised by layout and manifest, never by name) against whatever plugins are present.
 */
module valle.tck {
    requires transitive valle.core;
    requires valle.kit;

    exports valle.tck;
    exports valle.tck.hostile;
}
