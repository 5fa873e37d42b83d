/** The Micronaut admin server (REST, live state, dashboard, metrics, health). Built in its own issue. */
package io.limiter.server;
