package org.raidwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.raidwatch.demo.DemoDataset;

class BenchStatisticsTest {

    @Test
    void the_median_of_an_odd_count_is_the_middle_value_and_of_an_even_count_the_mean_of_the_middle_two() {
        assertThat(ThroughputBenchmark.median(List.of(3.0, 1.0, 2.0), v -> v)).isEqualTo(2.0);
        assertThat(ThroughputBenchmark.median(List.of(4.0, 1.0, 3.0, 2.0), v -> v)).isEqualTo(2.5);
        assertThat(ThroughputBenchmark.median(List.<Double>of(), v -> v)).isNaN();
    }

    @Test
    void percentiles_are_nearest_rank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i; // 100 .. 1, unsorted
        }
        assertThat(LatencyBenchmark.percentile(hundred, 50)).isEqualTo(50);
        assertThat(LatencyBenchmark.percentile(hundred, 99)).isEqualTo(99);
        assertThat(LatencyBenchmark.percentile(hundred, 100)).isEqualTo(100);
        assertThat(LatencyBenchmark.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(LatencyBenchmark.percentile(new long[0], 99)).isNaN();
    }

    @Test
    void a_dataset_sized_by_events_has_exactly_that_many() {
        List<DemoDataset.Event> events = ThroughputBenchmark.dataset(DemoDataset.DEFAULT_SEED, 12_345, 0);

        assertThat(events).hasSize(12_345);
        assertThat(ThroughputBenchmark.dataset(DemoDataset.DEFAULT_SEED, 0, 500)).isEqualTo(DemoDataset.generate(DemoDataset.DEFAULT_SEED, 500));
    }
}
