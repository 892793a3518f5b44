/** Status annotations and the exceptions users and plugins catch. */
package valle.api;
