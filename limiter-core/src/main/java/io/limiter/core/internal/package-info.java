/** Helpers shared by the limiter's own modules; not public API, may change without notice. */
package io.limiter.core.internal;
