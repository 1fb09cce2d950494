package org.raidwatch.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/** Input files as the input contract defines them (the README's "Input files"): every bad row rejected with its line and reason, every other row read. */
class InputFilesTest {

    private static final String RAID_HEADER =
            "raid_id,revision,force,raid_date,reported_at,source_url,trafficking_claimed,modern_slavery_claimed,claimed_victims,claimed_arrests\n";
    private static final String FOI_HEADER =
            "foi_id,raid_id,force,requested_on,status,responded_on,victims_identified,nrm_referrals,nrm_declined,arrests,trafficking_charges,revision\n";

    @TempDir
    Path dir;

    private InputFiles.Contents<RaidReport> raids(String rows) throws Exception {
        Path file = dir.resolve("raids.csv");
        Files.writeString(file, RAID_HEADER + rows);
        return InputFiles.readRaidReports(file);
    }

    private InputFiles.Contents<FoiUpdate> fois(String rows) throws Exception {
        Path file = dir.resolve("foi.csv");
        Files.writeString(file, FOI_HEADER + rows);
        return InputFiles.readFoiUpdates(file);
    }

    /** The single rejection of a file whose line 3 is bad and lines 2 and 4 are good. */
    private String raidRejection(String badRow) throws Exception {
        InputFiles.Contents<RaidReport> contents = raids(
                "r-1,0,Kent,2020-03-04,,,true,,6,\n" + badRow + "\nr-3,0,Kent,2020-03-05,,,no,,,\n");
        assertThat(contents.accepted()).extracting(InputFiles.Row::line).containsExactly(2L, 4L);
        assertThat(contents.rejected()).hasSize(1);
        assertThat(contents.rejected().get(0).line()).isEqualTo(3);
        assertThat(contents.rejected().get(0).file()).isEqualTo(dir.resolve("raids.csv").toString());
        return contents.rejected().get(0).reason();
    }

    private String foiRejection(String badRow) throws Exception {
        InputFiles.Contents<FoiUpdate> contents = fois(
                "F-1,r-1,Kent,2020-09-01,RESPONDED,2020-10-01,3,1,2,2,1,\n" + badRow + "\n");
        assertThat(contents.accepted()).extracting(InputFiles.Row::line).containsExactly(2L);
        assertThat(contents.rejected()).singleElement().satisfies(r -> assertThat(r.line()).isEqualTo(3));
        return contents.rejected().get(0).reason();
    }

    @Test
    void a_good_raid_report_row_is_read_with_its_defaults() throws Exception {
        InputFiles.Contents<RaidReport> contents = raids("r-1,,kent,2020-03-04,,https://news.example/1,yes,,6,\n");

        RaidReport report = contents.accepted().get(0).record();
        assertThat(report.getForce()).isEqualTo("Kent Police");
        assertThat(report.getRevision()).isZero();
        assertThat(report.getTraffickingClaimed()).isTrue();
        assertThat(report.getModernSlaveryClaimed()).isFalse();
        assertThat(report.getClaimedVictims()).isEqualTo(6);
        assertThat(report.getClaimedArrests()).isNull();
        assertThat(report.getReportedAt()).as("defaults to the raid date").isEqualTo(LocalDate.of(2020, 3, 4)
                .atStartOfDay(org.raidwatch.contract.London.ZONE).toInstant());
        assertThat(contents.rowsRead()).isEqualTo(1);
    }

    @Test
    void a_good_foi_update_row_is_read() throws Exception {
        FoiUpdate update = fois("F-1,r-1,Devon and Cornwall,2020-09-01,not_held,,,,,,,2\n").accepted().get(0).record();

        assertThat(update.getForce()).isEqualTo("Devon & Cornwall Police");
        assertThat(update.getStatus()).isEqualTo(FoiStatus.NOT_HELD);
        assertThat(update.getRevision()).isEqualTo(2);
        assertThat(update.getVictimsIdentified()).isNull();
    }

    @Test
    void a_missing_required_field_is_rejected() throws Exception {
        assertThat(raidRejection("r-2,0,Kent,,,,true,,,")).isEqualTo("raid_date is missing");
        assertThat(raidRejection(",0,Kent,2020-03-04,,,true,,,")).isEqualTo("raid_id is missing");
        assertThat(raidRejection("r-2,0,Kent,2020-03-04,,,,,,")).isEqualTo("trafficking_claimed is missing");
        assertThat(foiRejection("F-2,r-2,Kent,2020-09-01,,,,,,,,")).isEqualTo("status is missing");
    }

    @Test
    void a_raid_id_that_would_make_keys_or_log_lines_ambiguous_is_rejected() throws Exception {
        assertThat(raidRejection("r|2,0,Kent,2020-03-04,,,true,,,"))
                .isEqualTo("raid_id 'r|2' contains '|', which separates the parts of raidwatch's keys (<raid id>|<rule id>)");
        assertThat(foiRejection("F-2,r|2,Kent,2020-09-01,REQUESTED,,,,,,,"))
                .startsWith("raid_id 'r|2' contains '|'");
        assertThat(raidRejection("\"r\t2\",0,Kent,2020-03-04,,,true,,,"))
                .isEqualTo("raid_id contains a control character (\\t at position 2); ids and URLs may hold none"
                        + " (line breaks, tabs, terminal escape sequences and the like)");
    }

    @Test
    void an_foi_reference_or_source_url_holding_a_control_character_is_rejected() throws Exception {
        // Given an escape sequence that would clear a terminal, and a line break that would forge a line of output
        // When rows carry them in the FOI reference and the source URL
        // Then each row is rejected, naming the field
        assertThat(foiRejection("F\u001b[2J,r-2,Kent,2020-09-01,REQUESTED,,,,,,,"))
                .startsWith("foi_id contains a control character (\\u001b at position 2)");
        assertThat(raidRejection("r-2,0,Kent,2020-03-04,,https://news.example/a\u0007b,true,,,"))
                .startsWith("source_url contains a control character (\\u0007 at position 23)");
        assertThat(raidRejection("r-2,0,Kent,2020-03-04,,https://news.example/a\u2028b,true,,,"))
                .startsWith("source_url contains a control character (\\u2028 at position 23)");
    }

    @Test
    void an_unknown_force_is_rejected() throws Exception {
        assertThat(raidRejection("r-2,0,Police Scotland,2020-03-04,,,true,,,"))
                .isEqualTo("force 'Police Scotland' is not one of the 44 forces of England and Wales");
    }

    @Test
    void a_bad_date_is_rejected() throws Exception {
        assertThat(raidRejection("r-2,0,Kent,2020-13-04,,,true,,,")).isEqualTo("raid_date '2020-13-04' is not a date (yyyy-mm-dd)");
        assertThat(raidRejection("r-2,0,Kent,04/03/2020,,,true,,,")).isEqualTo("raid_date '04/03/2020' is not a date (yyyy-mm-dd)");
        assertThat(raidRejection("r-2,0,Kent,2020-03-04,last tuesday,,true,,,"))
                .isEqualTo("reported_at 'last tuesday' is not an ISO-8601 date-time");
        assertThat(foiRejection("F-2,r-2,Kent,2020-09-01,RESPONDED,soon,,,,,,")).isEqualTo("responded_on 'soon' is not a date (yyyy-mm-dd)");
        assertThat(raidRejection("r-2,0,Kent,9999-03-04,,,true,,,")).isEqualTo("raid_date 9999-03-04 is outside 1990-01-01..2099-12-31");
    }

    @Test
    void a_negative_or_non_numeric_count_is_rejected() throws Exception {
        assertThat(raidRejection("r-2,0,Kent,2020-03-04,,,true,,-1,")).isEqualTo("claimed_victims is negative (-1)");
        assertThat(raidRejection("r-2,0,Kent,2020-03-04,,,true,,six,")).isEqualTo("claimed_victims 'six' is not a whole number");
        assertThat(foiRejection("F-2,r-2,Kent,2020-09-01,RESPONDED,,3,-2,,,,")).isEqualTo("nrm_referrals is negative (-2)");
        assertThat(raidRejection("r-2,-1,Kent,2020-03-04,,,true,,,")).isEqualTo("revision is negative (-1)");
    }

    @Test
    void an_unknown_status_is_rejected() throws Exception {
        assertThat(foiRejection("F-2,r-2,Kent,2020-09-01,ANSWERED,,,,,,,"))
                .isEqualTo("status 'ANSWERED' is not one of REQUESTED, RESPONDED, PARTIAL, REFUSED, NOT_HELD");
    }

    @Test
    void a_bad_boolean_is_rejected() throws Exception {
        assertThat(raidRejection("r-2,0,Kent,2020-03-04,,,maybe,,,"))
                .isEqualTo("trafficking_claimed 'maybe' is not a boolean (true/false/yes/no/1/0)");
    }

    @Test
    void quoted_cells_with_commas_and_line_breaks_keep_the_line_numbers_right() throws Exception {
        InputFiles.Contents<RaidReport> contents = raids(
                "r-1,0,Kent,2020-03-04,,\"https://news.example/a,b\",true,,,\n"
                        + "r-2,0,Kent,2020-03-04,,\"two\nlines\",true,,,\n"
                        + "r-3,0,Atlantis,2020-03-04,,,true,,,\n");

        assertThat(contents.accepted()).extracting(InputFiles.Row::line).containsExactly(2L);
        assertThat(contents.accepted().get(0).record().getSourceUrl()).isEqualTo("https://news.example/a,b");
        // A line break inside a source URL is refused, and the row after it still has its own line number.
        assertThat(contents.rejected()).extracting(InputFiles.Rejection::line).containsExactly(3L, 5L);
        assertThat(contents.rejected().get(0).reason()).startsWith("source_url contains a control character (\\n at position 4)");
    }

    @Test
    void json_lines_in_camel_case_are_read_and_bad_lines_rejected(@TempDir Path dir) throws IOException, Exception {
        Path file = dir.resolve("foi.jsonl");
        Files.writeString(file, """
                {"foiId":"F-1","raidId":"r-1","force":"Kent","requestedOn":"2020-09-01","status":"RESPONDED","victimsIdentified":3,"nrmReferrals":0}

                {"foiId":"F-2","raidId":"r-2","force":"Kent","requestedOn":"2020-09-01","status":"RESPONDED","nrmReferrals":-1}
                not json
                {"foi_id":"F-3","raid_id":"r-3","force":"Kent","requested_on":"2020-09-01","status":"REQUESTED","victims_identified":null}
                """);

        InputFiles.Contents<FoiUpdate> contents = InputFiles.readFoiUpdates(file);

        assertThat(contents.accepted()).extracting(InputFiles.Row::line).containsExactly(1L, 5L);
        assertThat(contents.accepted().get(0).record().getNrmReferrals()).isZero();
        assertThat(contents.rejected()).extracting(InputFiles.Rejection::line, InputFiles.Rejection::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3L, "nrm_referrals is negative (-1)"),
                org.assertj.core.groups.Tuple.tuple(4L, "not a JSON object: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"));
        assertThat(contents.rowsRead()).isEqualTo(4);
    }

    @Test
    void malformed_csv_rejects_the_rest_of_the_file_with_the_line_where_it_broke() throws Exception {
        InputFiles.Contents<RaidReport> contents = raids("r-1,0,Kent,2020-03-04,,,true,,,\nr-2,0,Kent,2020-03-04,,\"unclosed,true,,,\n");

        assertThat(contents.accepted()).hasSize(1);
        assertThat(contents.rejected()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(3);
            assertThat(r.reason()).startsWith("malformed CSV, the rest of the file was not read");
        });
    }

    @Test
    void a_missing_file_is_unreadable() {
        assertThatThrownBy(() -> InputFiles.readRaidReports(dir.resolve("nope.csv")))
                .isInstanceOf(InputFiles.UnreadableFileException.class).hasMessageContaining("nope.csv: no such readable file");
    }
}
