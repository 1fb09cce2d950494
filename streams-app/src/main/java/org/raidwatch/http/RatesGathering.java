package org.raidwatch.http;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;
import org.raidwatch.json.OutputJson;

/**
 * Every force's rates, gathered: this instance's share and each other instance's, asked at once. An
 * instance that cannot give its share makes the whole answer fail (503 or 502), rather than a
 * partial list that would read as complete.
 */
final class RatesGathering {

    private final InstanceForwarding forwarding;

    RatesGathering(InstanceForwarding forwarding) {
        this.forwarding = forwarding;
    }

    /** Another instance's answer to a rates request; fields it has beyond these (a newer release's) are passed over. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RatesAnswer(String asOf, String latestWindow, List<Map<String, Object>> rates) {
    }

    /**
     * Adds the other instances' shares to {@code found}.
     *
     * @return true when every share came; false when the request has been answered with the failure
     */
    boolean addOthers(Context ctx, List<HostInfo> others, List<Map<String, Object>> found) throws InterruptedException {
        List<CompletableFuture<InstanceForwarding.Fetched>> shares = new ArrayList<>();
        for (HostInfo other : others) {
            shares.add(forwarding.fetch(other, ctx));
        }
        for (int i = 0; i < others.size(); i++) {
            InstanceForwarding.Fetched share = InstanceForwarding.answer(shares.get(i));
            if (share.status() != 200) {
                ApiAnswers.json(ctx, share.status() == 503 ? 503 : 502, ApiAnswers.error("instance " + others.get(i)
                        + " could not give its forces' rates: " + share.body()));
                ctx.header("Retry-After", "1");
                return false;
            }
            try {
                found.addAll(OutputJson.MAPPER.readValue(share.body(), RatesAnswer.class).rates());
            } catch (IOException e) {
                ApiAnswers.json(ctx, 502, ApiAnswers.error("instance " + others.get(i) + " answered something other than rates: "
                        + e.getMessage()));
                return false;
            }
        }
        return true;
    }
}
