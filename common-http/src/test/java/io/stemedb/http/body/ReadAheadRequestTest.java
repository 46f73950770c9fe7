package io.stemedb.http.body;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ReadAheadRequestTest {

    private static final byte[] BODY = "{\"concept_path\":\"a/b\",\"predicate\":\"p\",\"value\":1}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theBytesReadAheadComeFirstThenTheRestAndTheLengthStaysTheClients() throws Exception {
        for (int readAhead : new int[] {0, 1, 7, BODY.length - 1, BODY.length}) {
            MockHttpServletRequest original = new MockHttpServletRequest("POST", "/v1/assert");
            original.setContent(BODY);
            byte[] first = original.getInputStream().readNBytes(readAhead);

            ReadAheadRequest request = new ReadAheadRequest(original, first);
            ServletInputStream in = request.getInputStream();
            assertThat(request.getContentLengthLong()).isEqualTo(BODY.length);
            assertThat(in.isFinished()).as("nothing read yet, %d ahead", readAhead).isEqualTo(BODY.length == 0);
            byte[] odd = new byte[3];
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            int n;
            while ((n = in.read(odd, 0, odd.length)) > 0) {
                all.write(odd, 0, n);
            }
            assertThat(all.toByteArray()).as("%d read ahead", readAhead).isEqualTo(BODY);
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.isFinished()).isTrue();
            assertThat(request.getInputStream()).as("one stream per request, as the container's").isSameAs(in);
        }
    }

    @Test
    void aReaderDecodesTheWholeBody() throws Exception {
        MockHttpServletRequest original = new MockHttpServletRequest("POST", "/v1/assert");
        original.setContent("{\"value\":\"héllo\"}".getBytes(StandardCharsets.UTF_8));
        original.setCharacterEncoding("UTF-8");
        byte[] first = original.getInputStream().readNBytes(12);
        assertThat(new ReadAheadRequest(original, first).getReader().readLine()).isEqualTo("{\"value\":\"héllo\"}");
    }
}
