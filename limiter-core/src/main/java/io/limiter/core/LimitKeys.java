package io.limiter.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The keys of a keyed limit (a tenant, a user, an API key): checked, and mapped to and from the name under which a
 * key's state lives in Redis, {@code family/encoded-key}. A key is any text of 1 to 256 bytes of UTF-8 without
 * control characters; the encoding keeps {@code A-Z a-z 0-9 . _ : -} and writes every other byte as {@code %XX}, so
 * no key can break the key schema or its hash tag ({@code { } /} are always encoded), and the mapping is one to one.
 * {@code /} never occurs in a limit name, so a key's name is never a limit's.
 */
public final class LimitKeys {
    public static final String KEY_RULE = "be 1 to 256 bytes of UTF-8 text without control characters";
    public static final int MAX_KEY_BYTES = 256;

    private static final char SEPARATOR = '/';
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private LimitKeys() {
    }

    /**
     * Returns {@code key} if valid.
     *
     * @throws NullPointerException if null
     * @throws LimiterValidationException naming field {@code key} otherwise
     */
    public static String requireValidKey(String key) {
        Objects.requireNonNull(key, "key");
        byte[] bytes = utf8(key);
        if (bytes.length == 0 || bytes.length > MAX_KEY_BYTES || key.codePoints().anyMatch(Character::isISOControl)) {
            throw new LimiterValidationException("key", key, KEY_RULE);
        }
        return key;
    }

    /** The name under which {@code key} of the keyed limit {@code family} lives in Redis (both checked). */
    public static String nameOf(String family, String key) {
        LimitNames.requireValidName(family);
        byte[] bytes = utf8(requireValidKey(key));
        StringBuilder s = new StringBuilder(family.length() + 1 + bytes.length).append(family).append(SEPARATOR);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c < 0x80 && safe((char) c)) {
                s.append((char) c);
            } else {
                s.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return s.toString();
    }

    /** Whether {@code name} is a key's name (as made by {@link #nameOf}) rather than a limit's. */
    public static boolean isKeyName(String name) {
        return name.indexOf(SEPARATOR) > 0;
    }

    /** The keyed limit of a key's name. */
    public static String familyOf(String keyName) {
        return keyName.substring(0, requireSeparator(keyName));
    }

    /** The key of a key's name, as it was given. */
    public static String keyOf(String keyName) {
        String encoded = keyName.substring(requireSeparator(keyName) + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                out.write(Integer.parseInt(encoded, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Returns {@code name} if it is a valid limit name or a valid key's name.
     *
     * @throws LimiterValidationException naming field {@code name} (or {@code key}) otherwise
     */
    public static String requireValidName(String name) {
        Objects.requireNonNull(name, "name");
        int at = name.indexOf(SEPARATOR);
        if (at < 0) {
            return LimitNames.requireValidName(name);
        }
        String family = name.substring(0, at);
        LimitNames.requireValidName(family);
        String encoded = name.substring(at + 1);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            boolean escape = c == '%' && hex(encoded, i + 1) && hex(encoded, i + 2);
            if (!(c < 0x80 && safe(c)) && !escape) {
                throw new LimiterValidationException("name", name, "be a limit name or a key's name (" + family
                        + "/ and the key with every byte outside [A-Za-z0-9._:-] written as %XX)");
            }
        }
        if (!nameOf(family, keyOf(name)).equals(name)) {
            throw new LimiterValidationException("name", name, "be a key's name as written by the limiter");
        }
        return name;
    }

    /** {@code family (key 'k')} for messages about a key's name, else the name itself. */
    public static String describe(String name) {
        return isKeyName(name) ? "'" + familyOf(name) + "' (key '" + keyOf(name) + "')" : "'" + name + "'";
    }

    private static boolean hex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }

    private static int requireSeparator(String keyName) {
        int at = keyName.indexOf(SEPARATOR);
        if (at <= 0) {
            throw new IllegalArgumentException("not a key's name: " + keyName);
        }
        return at;
    }

    private static boolean safe(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == ':' || c == '-';
    }

    private static byte[] utf8(String key) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(key));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new LimiterValidationException("key", key, KEY_RULE + " (it holds a lone surrogate)");
        }
    }
}
