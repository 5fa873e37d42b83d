/** Implementation of the Micronaut integration; not a public API, may change in any release. */
package io.limiter.micronaut.internal;
