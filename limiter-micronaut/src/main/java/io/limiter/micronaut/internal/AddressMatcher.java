package io.limiter.micronaut.internal;

import io.micronaut.context.exceptions.ConfigurationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** IP addresses and CIDR blocks (IPv4 and IPv6), given as literals: never resolved through DNS. */
final class AddressMatcher {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(%\\w+)?");

    private record Block(byte[] network, int bits) {
    }

    private final List<Block> blocks;

    private AddressMatcher(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** Parses {@code entries} of {@code setting}; a bad one is a configuration error naming it. */
    static AddressMatcher of(String setting, List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.trim();
            int slash = e.indexOf('/');
            String host = slash < 0 ? e : e.substring(0, slash);
            byte[] address = literal(host);
            int bits = address == null ? -1 : address.length * 8;
            if (address != null && slash >= 0) {
                try {
                    bits = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException ex) {
                    bits = -1;
                }
            }
            if (address == null || bits < 0 || bits > address.length * 8) {
                throw new ConfigurationException(Messages.invalid(setting, entry, Messages.ADDRESS_RULE));
            }
            blocks.add(new Block(address, bits));
        }
        return new AddressMatcher(List.copyOf(blocks));
    }

    boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether {@code address} lies in one of the blocks. */
    boolean matches(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        for (Block b : blocks) {
            if (b.network.length == a.length && prefixEquals(a, b.network, b.bits)) {
                return true;
            }
        }
        return false;
    }

    /** The address of a literal such as {@code 10.1.2.3} or {@code ::1}; null if it is not one. */
    static InetAddress parse(String text) {
        byte[] b = literal(text == null ? "" : text.trim());
        try {
            return b == null ? null : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.isEmpty() || !LITERAL.matcher(h).matches() || (!h.contains(":") && !IPV4.matcher(h).matches())) {
            return null; // anything else could make InetAddress ask DNS
        }
        try {
            return InetAddress.getByName(h).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean prefixEquals(byte[] a, byte[] b, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest);
        return (a[full] & mask) == (b[full] & mask);
    }
}
