/** An app that embeds valle: it needs valle.core to compile; the plugins come from the module path at run time. */
module valle.example {
    requires valle.core;
}
