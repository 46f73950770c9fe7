package io.stemedb.http.body;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request of which a filter already read the first bytes of the body: its stream gives those
 * bytes again, then whatever the client has not sent yet; its length and headers stay the
 * client's. So a filter that looked at a body and decided not to answer hands on the request as it
 * arrived (unlike {@link BufferedBodyRequest}, which replaces the body and its length), and what
 * comes after it — the request limits, the framework — cannot tell it was read.
 */
public final class ReadAheadRequest extends HttpServletRequestWrapper {

    private final byte[] readAhead;
    private ServletInputStream stream;

    public ReadAheadRequest(HttpServletRequest request, byte[] readAhead) {
        super(request);
        this.readAhead = readAhead;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (stream == null) {
            stream = new Stream(readAhead, super.getInputStream());
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
        return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    private static final class Stream extends ServletInputStream {

        private final byte[] readAhead;
        private final ServletInputStream rest;
        private int position;

        Stream(byte[] readAhead, ServletInputStream rest) {
            this.readAhead = readAhead;
            this.rest = rest;
        }

        @Override
        public int read() throws IOException {
            return position < readAhead.length ? readAhead[position++] & 0xff : rest.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position < readAhead.length) {
                int n = Math.min(length, readAhead.length - position);
                System.arraycopy(readAhead, position, buffer, offset, n);
                position += n;
                return n;
            }
            return rest.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
            return position >= readAhead.length && rest.isFinished();
        }

        @Override
        public boolean isReady() {
            return position < readAhead.length || rest.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException("a read-ahead body is read blocking");
        }
    }
}
