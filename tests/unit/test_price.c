/* tests/unit/test_price.c — a price before paying: the built-in table, user price files, the
 * estimate of each endpoint kind, and the media-duration readers on real, cut and hostile files
 * (ltx/price.h). */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include "pricing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- scratch files */
/* One directory per test; the files put there are listed, and removed with it. */
static char dir[64];
static char made[16][512];
static size_t n_made;

static void dir_setup(void)
{
    strcpy(dir, "/tmp/ltx-unit-price-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    n_made = 0;
}

static void dir_teardown(void)
{
    while (n_made > 0)
        unlink(made[--n_made]);
    rmdir(dir);
}

/* Write len bytes to dir/name; returns the path (static, valid until the next call). */
static const char *put_file(const char *name, const void *data, size_t len)
{
    static char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (n_made < sizeof(made) / sizeof(made[0]))
        strcpy(made[n_made++], path); /* the same name twice is unlinked twice: harmless */
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

static const char *put_text(const char *name, const char *text)
{
    return put_file(name, text, strlen(text));
}

static const char *data_file(const char *name)
{
    static char path[512];
    const char *top = getenv("top_srcdir");

    snprintf(path, sizeof(path), "%s/tests/data/%s", top ? top : ".", name);
    return path;
}

/* ---------------------------------------------------------------- media builders */
typedef struct {
    unsigned char *b;
    size_t len, cap;
} bytes;

static void add(bytes *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2;
        o->b = realloc(o->b, o->cap);
        ck_assert_ptr_nonnull(o->b);
    }
    memcpy(o->b + o->len, p, n);
    o->len += n;
}
static void add_be32(bytes *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    add(o, b, 4);
}
static void add_be64(bytes *o, uint64_t v)
{
    add_be32(o, (uint32_t)(v >> 32));
    add_be32(o, (uint32_t)v);
}
static void add_le32(bytes *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    add(o, b, 4);
}
static void add_le16(bytes *o, uint16_t v)
{
    unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    add(o, b, 2);
}
static void add_zeros(bytes *o, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add(o, "", 1);
}

/* A box: 32-bit size, or size 1 and a 64-bit size when large64. */
static void add_box(bytes *o, const char *type, const bytes *content, int large64)
{
    if (large64) {
        add_be32(o, 1);
        add(o, type, 4);
        add_be64(o, 16 + content->len);
    } else {
        add_be32(o, (uint32_t)(8 + content->len));
        add(o, type, 4);
    }
    add(o, content->b, content->len);
}

typedef struct {
    int mvhd_version; /* 0 or 1 */
    uint32_t timescale;
    uint64_t duration;
    uint32_t width, height; /* of one video track; 0: no track */
    int mehd;               /* add mvex/mehd with duration fragment */
    uint64_t fragment;
    int large64;   /* the moov box with a 64-bit size */
    int moov_last; /* mdat before moov */
} mp4_spec;

/* A small MP4: ftyp, moov (mvhd, trak/tkhd, mvex/mehd), mdat. */
static bytes make_mp4(const mp4_spec *sp)
{
    bytes out = {0}, moov = {0}, mvhd = {0}, trak = {0}, tkhd = {0}, mdat = {0}, ftyp = {0};

    add(&ftyp, "isom\0\0\x02\0isomiso2mp41", 20);
    add(&mvhd, sp->mvhd_version ? "\x01\0\0\0" : "\0\0\0\0", 4);
    if (sp->mvhd_version) {
        add_be64(&mvhd, 0);
        add_be64(&mvhd, 0);
        add_be32(&mvhd, sp->timescale);
        add_be64(&mvhd, sp->duration);
    } else {
        add_be32(&mvhd, 0);
        add_be32(&mvhd, 0);
        add_be32(&mvhd, sp->timescale);
        add_be32(&mvhd, (uint32_t)sp->duration);
    }
    add_zeros(&mvhd, 80);
    add_box(&moov, "mvhd", &mvhd, 0);
    if (sp->width) {
        add(&tkhd, "\0\0\0\x03", 4);
        add_zeros(&tkhd, 20 + 52);
        add_be32(&tkhd, sp->width << 16);
        add_be32(&tkhd, sp->height << 16);
        add_box(&trak, "tkhd", &tkhd, 0);
        add_box(&moov, "trak", &trak, 0);
    }
    if (sp->mehd) {
        bytes mehd = {0}, mvex = {0};

        add(&mehd, "\x01\0\0\0", 4);
        add_be64(&mehd, sp->fragment);
        add_box(&mvex, "mehd", &mehd, 0);
        add_box(&moov, "mvex", &mvex, 0);
        free(mehd.b);
        free(mvex.b);
    }
    add_zeros(&mdat, 64);
    add_box(&out, "ftyp", &ftyp, 0);
    if (sp->moov_last)
        add_box(&out, "mdat", &mdat, 0);
    add_box(&out, "moov", &moov, sp->large64);
    if (!sp->moov_last)
        add_box(&out, "mdat", &mdat, 0);
    free(moov.b);
    free(mvhd.b);
    free(trak.b);
    free(tkhd.b);
    free(mdat.b);
    free(ftyp.b);
    return out;
}

/* A PCM WAV: data_size bytes of silence, the header's data size given separately. */
static bytes make_wav(uint32_t rate, uint16_t channels, uint16_t bits, uint32_t data_bytes,
                      uint32_t header_data_size)
{
    bytes o = {0};
    uint16_t align = (uint16_t)(channels * bits / 8);

    add(&o, "RIFF", 4);
    add_le32(&o, 36 + data_bytes);
    add(&o, "WAVE", 4);
    add(&o, "LIST", 4); /* a chunk to skip, of odd size (padded) */
    add_le32(&o, 3);
    add(&o, "abc\0", 4);
    add(&o, "fmt ", 4);
    add_le32(&o, 16);
    add_le16(&o, 1);
    add_le16(&o, channels);
    add_le32(&o, rate);
    add_le32(&o, rate * align);
    add_le16(&o, align);
    add_le16(&o, bits);
    add(&o, "data", 4);
    add_le32(&o, header_data_size);
    add_zeros(&o, data_bytes);
    return o;
}

/* MPEG-1 layer III, 128 kbit/s, 44.1 kHz, stereo, no padding: 417-byte frames. */
#define MP3_FRAME 417
static bytes make_mp3(unsigned frames, int id3, const char *vbr, uint32_t vbr_frames)
{
    static const unsigned char hdr[4] = {0xff, 0xfb, 0x90, 0x00};
    bytes o = {0};

    if (id3) {
        add(&o, "ID3\x03\0\0\0\0\0\x14", 10); /* 20 bytes of tag */
        add_zeros(&o, 20);
    }
    for (unsigned i = 0; i < frames; i++) {
        size_t start = o.len;

        add(&o, hdr, 4);
        add_zeros(&o, MP3_FRAME - 4);
        if (i == 0 && vbr && strcmp(vbr, "Xing") == 0) {
            memcpy(o.b + start + 4 + 32, "Xing\0\0\0\x01", 8);
            o.b[start + 36 + 8] = (unsigned char)(vbr_frames >> 24);
            o.b[start + 36 + 9] = (unsigned char)(vbr_frames >> 16);
            o.b[start + 36 + 10] = (unsigned char)(vbr_frames >> 8);
            o.b[start + 36 + 11] = (unsigned char)vbr_frames;
        } else if (i == 0 && vbr) {
            memcpy(o.b + start + 36, "VBRI", 4);
            o.b[start + 36 + 14] = (unsigned char)(vbr_frames >> 24);
            o.b[start + 36 + 15] = (unsigned char)(vbr_frames >> 16);
            o.b[start + 36 + 16] = (unsigned char)(vbr_frames >> 8);
            o.b[start + 36 + 17] = (unsigned char)vbr_frames;
        }
    }
    if (id3) {
        add(&o, "TAG", 3);
        add_zeros(&o, 125);
    }
    return o;
}

static int64_t probe_ms(const bytes *b, int *rc)
{
    ltx_media_info info = {.duration_ms = -7};
    ltx_error *e = NULL;

    *rc = ltx__media_probe_mem(&info, b->b, b->len, &e);
    ck_assert_int_eq(*rc == LTX_OK, e == NULL);
    ltx_error_free(e);
    return info.duration_ms;
}

/* Every prefix of a file, and every single-byte corruption of its first bytes: no crash, and
 * either a duration or LTX_EINVAL. */
static void no_crash_on_cut_or_corrupt(const bytes *good)
{
    ltx_media_info info;

    for (size_t n = 0; n < good->len; n++) {
        ltx_error *e = NULL;
        int rc = ltx__media_probe_mem(&info, good->b, n, &e);

        ck_assert(rc == LTX_OK || rc == LTX_EINVAL);
        ck_assert(rc == LTX_OK ? e == NULL : e != NULL);
        ltx_error_free(e);
    }
    for (size_t i = 0; i < good->len && i < 200; i++) {
        static const unsigned char values[] = {0x00, 0x01, 0x7f, 0x80, 0xff};

        for (size_t v = 0; v < sizeof(values); v++) {
            unsigned char *copy = malloc(good->len);
            ltx_error *e = NULL;
            int rc;

            memcpy(copy, good->b, good->len);
            copy[i] = values[v];
            rc = ltx__media_probe_mem(&info, copy, good->len, &e);
            ck_assert(rc == LTX_OK || rc == LTX_EINVAL);
            ck_assert(rc != LTX_OK || info.duration_ms >= 0);
            ltx_error_free(e);
            free(copy);
        }
    }
}

/* ---------------------------------------------------------------- media readers */
START_TEST(test_data_files_have_their_known_durations)
{
    int64_t ms = -1;
    ltx_error *e = NULL;

    ck_assert_int_eq(ltx_media_duration_ms(&ms, data_file("sample.mp4"), &e), LTX_OK);
    ck_assert_int_eq(ms, 2000);
    ck_assert_int_eq(ltx_media_duration_ms(&ms, data_file("tone.wav"), &e), LTX_OK);
    ck_assert_int_eq(ms, 2000);
    ck_assert_ptr_null(e);
}
END_TEST

START_TEST(an_image_or_a_missing_file_is_refused_and_out_is_untouched)
{
    int64_t ms = 42;
    ltx_error *e = NULL;

    ck_assert_int_eq(ltx_media_duration_ms(&ms, data_file("frame.png"), &e), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "not an MP4, MOV, WAV or MP3"));
    ltx_error_free(e);
    e = NULL;
    ck_assert_int_eq(ltx_media_duration_ms(&ms, "/nonexistent/clip.mp4", &e), LTX_EIO);
    ltx_error_free(e);
    e = NULL;
    ck_assert_int_eq(ltx_media_duration_ms(&ms, "/tmp", &e), LTX_EIO);
    ltx_error_free(e);
    ck_assert_int_eq(ms, 42);
    ck_assert_int_eq(ltx_media_duration_ms(NULL, data_file("tone.wav"), NULL), LTX_EINVAL);
    e = ltx__error_new(LTX_EIO, "left over");
    ck_assert_int_eq(ltx_media_duration_ms(&ms, data_file("tone.wav"), &e), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_message(e), "left over");
    ltx_error_free(e);
}
END_TEST

START_TEST(test_data_files_survive_every_cut_and_corruption)
{
    const char *names[] = {"sample.mp4", "tone.wav"};

    for (size_t i = 0; i < 2; i++) {
        bytes b = {0};
        FILE *f = fopen(data_file(names[i]), "rb");
        unsigned char chunk[4096];
        size_t n;

        ck_assert_ptr_nonnull(f);
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            add(&b, chunk, n);
        fclose(f);
        no_crash_on_cut_or_corrupt(&b);
        free(b.b);
    }
}
END_TEST

START_TEST(mp4_version_1_header_and_64_bit_box_size)
{
    mp4_spec sp = {.mvhd_version = 1,
                   .timescale = 90000,
                   .duration = 90000ull * 7 + 45000,
                   .width = 1920,
                   .height = 1080,
                   .large64 = 1,
                   .moov_last = 1};
    bytes b = make_mp4(&sp);
    ltx_media_info info;

    ck_assert_int_eq(ltx__media_probe_mem(&info, b.b, b.len, NULL), LTX_OK);
    ck_assert_int_eq(info.duration_ms, 7500);
    ck_assert_uint_eq(info.width, 1920);
    ck_assert_uint_eq(info.height, 1080);
    no_crash_on_cut_or_corrupt(&b);
    free(b.b);
}
END_TEST

START_TEST(mp4_fragmented_reads_the_movie_extends_header)
{
    mp4_spec sp = {.timescale = 1000, .duration = 0, .mehd = 1, .fragment = 12345};
    bytes b = make_mp4(&sp);
    int rc;

    ck_assert_int_eq(probe_ms(&b, &rc), 12345);
    ck_assert_int_eq(rc, LTX_OK);
    free(b.b);
}
END_TEST

START_TEST(mp4_hostile_headers_are_refused)
{
    struct {
        mp4_spec sp;
        const char *why;
    } cases[] = {
        {{.timescale = 0, .duration = 1000}, "timescale is 0"},
        {{.timescale = 1000, .duration = 0xffffffffu}, "unknown"},
        {{.mvhd_version = 1, .timescale = 1000, .duration = UINT64_MAX}, "unknown"},
        {{.mvhd_version = 1, .timescale = 1, .duration = UINT64_MAX - 1}, "implausibly long"},
        {{.timescale = 1000, .duration = 0}, "no duration"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bytes b = make_mp4(&cases[i].sp);
        ltx_media_info info = {.duration_ms = 99};
        ltx_error *e = NULL;

        ck_assert_int_eq(ltx__media_probe_mem(&info, b.b, b.len, &e), LTX_EINVAL);
        ck_assert_msg(strstr(ltx_error_message(e), cases[i].why), "case %zu: %s", i,
                      ltx_error_message(e));
        ck_assert_int_eq(info.duration_ms, 99);
        ltx_error_free(e);
        free(b.b);
    }
}
END_TEST

START_TEST(mp4_box_sizes_that_lie_are_refused)
{
    mp4_spec sp = {.timescale = 1000, .duration = 5000, .moov_last = 1};
    bytes b = make_mp4(&sp);
    size_t mdat = 28; /* after the 28-byte ftyp box */
    ltx_error *e = NULL;
    ltx_media_info info;
    static const uint32_t sizes[] = {0xfffffff0u, 4, 7};

    ck_assert_int_eq(ltx__media_probe_mem(&info, b.b, b.len, NULL), LTX_OK);
    ck_assert_int_eq(memcmp(b.b + mdat + 4, "mdat", 4), 0);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        bytes c = {0};

        add(&c, b.b, b.len);
        c.b[mdat] = (unsigned char)(sizes[i] >> 24);
        c.b[mdat + 1] = (unsigned char)(sizes[i] >> 16);
        c.b[mdat + 2] = (unsigned char)(sizes[i] >> 8);
        c.b[mdat + 3] = (unsigned char)sizes[i];
        ck_assert_int_eq(ltx__media_probe_mem(&info, c.b, c.len, &e), LTX_EINVAL);
        ltx_error_free(e);
        e = NULL;
        free(c.b);
    }
    {
        /* a 64-bit size of 2^63 on the first box */
        bytes c = {0};

        add(&c,
            "\0\0\0\x01"
            "ftyp\x80\0\0\0\0\0\0\0isom",
            20);
        ck_assert_int_eq(ltx__media_probe_mem(&info, c.b, c.len, &e), LTX_EINVAL);
        ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "past the end"));
        ltx_error_free(e);
        e = NULL;
        free(c.b);
    }
    {
        /* thousands of empty boxes: bounded, not walked forever */
        bytes c = {0};

        for (int i = 0; i < 5000; i++)
            add(&c,
                "\0\0\0\x08"
                "free",
                8);
        ck_assert_int_eq(ltx__media_probe_mem(&info, c.b, c.len, &e), LTX_EINVAL);
        ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "too many boxes"));
        ltx_error_free(e);
        free(c.b);
    }
    free(b.b);
}
END_TEST

START_TEST(wav_duration_from_fmt_and_data)
{
    bytes b = make_wav(44100, 2, 16, 44100 * 4 * 3 / 2, 44100 * 4 * 3 / 2);
    int rc;

    ck_assert_int_eq(probe_ms(&b, &rc), 1500);
    ck_assert_int_eq(rc, LTX_OK);
    no_crash_on_cut_or_corrupt(&b);
    free(b.b);
    /* streaming writers leave 0xffffffff: the bytes present count */
    b = make_wav(8000, 1, 8, 20000, 0xffffffffu);
    ck_assert_int_eq(probe_ms(&b, &rc), 2500);
    free(b.b);
    /* a data size past the end: a cut file, the bytes present count */
    b = make_wav(8000, 1, 8, 4000, 80000);
    ck_assert_int_eq(probe_ms(&b, &rc), 500);
    free(b.b);
}
END_TEST

START_TEST(wav_hostile_headers_are_refused)
{
    bytes b = make_wav(0, 1, 8, 100, 100);
    ltx_media_info info = {.duration_ms = 5};
    ltx_error *e = NULL;

    ck_assert_int_eq(ltx__media_probe_mem(&info, b.b, b.len, &e), LTX_EINVAL);
    ck_assert_int_eq(info.duration_ms, 5);
    ltx_error_free(e);
    e = NULL;
    free(b.b);
    b = (bytes){0};
    add(&b, "RIFF\0\0\0\0WAVE", 12);
    for (int i = 0; i < 5000; i++)
        add(&b, "junk\0\0\0\0", 8);
    ck_assert_int_eq(ltx__media_probe_mem(&info, b.b, b.len, &e), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "too many chunks"));
    ltx_error_free(e);
    e = NULL;
    free(b.b);
    b = (bytes){0};
    add(&b, "RIFF\0\0\0\0WAVEjunk\xff\xff\xff\xff", 20);
    ck_assert_int_eq(ltx__media_probe_mem(&info, b.b, b.len, &e), LTX_EINVAL);
    ltx_error_free(e);
    free(b.b);
}
END_TEST

START_TEST(mp3_constant_bit_rate_counts_the_bytes)
{
    bytes b = make_mp3(100, 0, NULL, 0);
    int rc;

    /* 100 frames of 417 bytes at 128 kbit/s */
    ck_assert_int_eq(probe_ms(&b, &rc), 100 * MP3_FRAME * 8 / 128);
    ck_assert_int_eq(rc, LTX_OK);
    free(b.b);
    b = make_mp3(100, 1, NULL, 0); /* the ID3v2 and ID3v1 tags are not audio */
    ck_assert_int_eq(probe_ms(&b, &rc), 100 * MP3_FRAME * 8 / 128);
    no_crash_on_cut_or_corrupt(&b);
    free(b.b);
}
END_TEST

START_TEST(mp3_xing_and_vbri_headers_count_frames)
{
    bytes b = make_mp3(10, 1, "Xing", 1000);
    int rc;

    ck_assert_int_eq(probe_ms(&b, &rc), 1000 * 1152 * 1000 / 44100);
    free(b.b);
    b = make_mp3(10, 0, "VBRI", 500);
    ck_assert_int_eq(probe_ms(&b, &rc), 500 * 1152 * 1000 / 44100);
    no_crash_on_cut_or_corrupt(&b);
    free(b.b);
    b = make_mp3(10, 0, "Xing", 0);
    probe_ms(&b, &rc);
    ck_assert_int_eq(rc, LTX_EINVAL);
    free(b.b);
}
END_TEST

START_TEST(mp3_hostile_tags_are_refused)
{
    bytes b = {0};
    int rc;

    add(&b, "ID3\x03\0\0\x7f\x7f\x7f\x7f", 10); /* a tag larger than the file */
    add_zeros(&b, 100);
    probe_ms(&b, &rc);
    ck_assert_int_eq(rc, LTX_EINVAL);
    free(b.b);
    b = (bytes){0};
    add(&b, "ID3\x03\0\0\x80\0\0\0", 10); /* not syncsafe */
    add_zeros(&b, 100);
    probe_ms(&b, &rc);
    ck_assert_int_eq(rc, LTX_EINVAL);
    free(b.b);
    b = (bytes){0};
    add(&b, "ID3\x03\0\0\0\0\0\0", 10); /* no frame after the tag */
    add_zeros(&b, 70000);
    probe_ms(&b, &rc);
    ck_assert_int_eq(rc, LTX_EINVAL);
    free(b.b);
}
END_TEST

/* ---------------------------------------------------------------- the table */
static ltx_request *gen(ltx_endpoint ep, const char *model, const char *resolution, int seconds)
{
    ltx_request *r = NULL;

    ck_assert_int_eq(ltx_request_new(&r, ep), LTX_OK);
    if (ep == LTX_ENDPOINT_IMAGE_TO_VIDEO)
        ck_assert_int_eq(ltx_request_set_image_uri(r, "https://example.com/a.png"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "a cat"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, model), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, resolution), LTX_OK);
    if (seconds >= 0)
        ck_assert_int_eq(ltx_request_set_duration(r, seconds), LTX_OK);
    else
        ck_assert_int_eq(ltx_request_set_duration_auto(r), LTX_OK);
    return r;
}

static ltx_request *t2v(const char *model, const char *resolution, int seconds)
{
    return gen(LTX_ENDPOINT_TEXT_TO_VIDEO, model, resolution, seconds);
}

static ltx_estimate *estimate(const ltx_request *r, const ltx_prices *p)
{
    ltx_estimate *est = NULL;
    ltx_error *e = NULL;
    int rc = ltx_request_estimate_cost(&est, r, p, &e);

    ck_assert_msg(rc == LTX_OK, "%s", e ? ltx_error_message(e) : "?");
    ck_assert_ptr_nonnull(est);
    return est;
}

START_TEST(a_published_row_gives_its_price_basis_source_and_date)
{
    ltx_request *r = t2v("ltx-2-3-fast", "1920x1080", 6);
    ltx_estimate *est = estimate(r, NULL);

    ck_assert_int_eq(ltx_estimate_known(est), 1);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 360000);
    ck_assert_str_eq(ltx_estimate_basis(est), "6 s x $0.06/s (ltx-2-3-fast, 1080p, text-to-video)");
    ck_assert_ptr_nonnull(strstr(ltx_estimate_source(est), "docs.ltx.io/pricing"));
    ck_assert_str_eq(ltx_estimate_date(est), "2026-10-07");
    ltx_estimate_free(est);
    ltx_request_free(r);

    /* the catastrophic case the estimate exists for: 4K Pro at 10 s */
    r = t2v("ltx-2-5-pro", "2160x3840", 10);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 3900000);
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

START_TEST(built_in_table_has_every_text_and_image_to_video_cell)
{
    static const char *models[] = {"ltx-2-3-fast", "ltx-2-3-pro", "ltx-2-5-fast", "ltx-2-5-pro"};
    static const char *res[] = {"1280x720", "1920x1080", "2560x1440", "3840x2160"};
    static const int64_t cents[4][4] = {
        {3, 6, 12, 24}, {4, 8, 16, 32}, {9, 13, 19, 30}, {12, 17, 25, 39}};
    ltx_prices *p = NULL;

    ck_assert_int_eq(ltx_prices_new(&p, NULL), LTX_OK);
    ck_assert_str_eq(ltx_prices_date(p), "2026-10-07");
    for (int ep = LTX_ENDPOINT_TEXT_TO_VIDEO; ep <= LTX_ENDPOINT_IMAGE_TO_VIDEO; ep++)
        for (int m = 0; m < 4; m++)
            for (int t = 0; t < 4; t++) {
                ltx_request *r = gen((ltx_endpoint)ep, models[m], res[t], 6);
                ltx_estimate *est = estimate(r, p);

                ck_assert_msg(ltx_estimate_micro_usd(est) == cents[m][t] * 6 * 10000, "%s %s: %s",
                              models[m], res[t], ltx_estimate_basis(est));
                ltx_estimate_free(est);
                ltx_request_free(r);
            }
    ltx_prices_free(p);
}
END_TEST

START_TEST(automatic_duration_is_unknown_with_the_reason)
{
    ltx_request *r = t2v("ltx-2-5-fast", "1920x1080", -1);
    ltx_estimate *est = estimate(r, NULL);

    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), -1);
    ck_assert_ptr_nonnull(strstr(ltx_estimate_basis(est), "automatic"));
    ck_assert_ptr_nonnull(strstr(ltx_estimate_basis(est), "held against the maximum"));
    ck_assert_ptr_null(ltx_estimate_source(est));
    ck_assert_str_eq(ltx_estimate_date(est), "2026-10-07");
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

START_TEST(an_unpublished_combination_is_unknown)
{
    ltx_request *r = NULL;
    ltx_estimate *est;

    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_AUDIO_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "music"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, "ltx-2-5-pro"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_input_file(r, "audio_uri", data_file("tone.wav")), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ck_assert_str_eq(ltx_estimate_basis(est),
                     "no published price for audio-to-video on ltx-2-5-pro at 1080p");
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

START_TEST(an_invalid_request_is_an_error_not_an_estimate)
{
    ltx_request *r = NULL;
    ltx_estimate *est = NULL;
    ltx_error *e = NULL;

    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_TEXT_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_estimate_cost(&est, r, NULL, &e), LTX_EREQUEST);
    ck_assert_ptr_null(est);
    ltx_error_free(e);
    ck_assert_int_eq(ltx_request_estimate_cost(NULL, r, NULL, NULL), LTX_EINVAL);
    ck_assert_int_eq(ltx_request_estimate_cost(&est, NULL, NULL, NULL), LTX_EINVAL);
    ltx_request_free(r);
    ck_assert_int_eq(ltx_estimate_known(NULL), 0);
    ck_assert_int_eq(ltx_estimate_micro_usd(NULL), -1);
    ck_assert_ptr_null(ltx_estimate_basis(NULL));
    ck_assert_ptr_null(ltx_estimate_source(NULL));
    ck_assert_ptr_null(ltx_estimate_date(NULL));
    ck_assert_ptr_null(ltx_prices_date(NULL));
    ltx_estimate_free(NULL);
    ltx_prices_free(NULL);
}
END_TEST

/* ---------------------------------------------------------------- user price files */
static const char *const override_file =
    "{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [\n"
    " {\"endpoint\": \"text-to-video\", \"model\": \"ltx-2-3-pro\", \"resolution\": \"4k\",\n"
    "  \"unit\": \"output_second\", \"usd_per_unit\": 0.25, \"source\": \"contract 2026-11\"},\n"
    " {\"endpoint\": \"audio-to-video\", \"model\": \"ltx-2-5-pro\", \"resolution\": \"1080p\",\n"
    "  \"unit\": \"input_audio_second\", \"usd_per_unit\": 0.2},\n"
    " {\"endpoint\": \"text-to-video\", \"model\": \"ltx-2-3-fast\", \"resolution\": \"720p\",\n"
    "  \"unit\": \"output_second\", \"usd_per_unit\": null, \"comment\": \"renegotiating\"}\n"
    "]}\n";

START_TEST(a_user_file_overrides_and_completes_the_table)
{
    ltx_prices *p = NULL;
    ltx_request *r;
    ltx_estimate *est;
    const char *path = put_text("prices.json", override_file);

    ck_assert_int_eq(ltx_prices_new(&p, NULL), LTX_OK);
    ck_assert_int_eq(ltx_prices_load_file(p, path, NULL), LTX_OK);
    ck_assert_str_eq(ltx_prices_date(p), "2026-11-01");

    r = t2v("ltx-2-3-pro", "3840x2160", 10); /* overridden: $0.32 -> $0.25 */
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 2500000);
    ck_assert_str_eq(ltx_estimate_source(est), "contract 2026-11");
    ck_assert_str_eq(ltx_estimate_date(est), "2026-11-01");
    ltx_estimate_free(est);
    ltx_request_free(r);

    r = t2v("ltx-2-3-pro", "1920x1080", 10); /* untouched */
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 800000);
    ltx_estimate_free(est);
    ltx_request_free(r);

    r = t2v("ltx-2-3-fast", "1280x720", 6); /* the file says: not known */
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ck_assert_ptr_nonnull(strstr(ltx_estimate_basis(est), "renegotiating"));
    ltx_estimate_free(est);
    ltx_request_free(r);

    /* a row only the file has: 2 s of audio at $0.20 */
    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_AUDIO_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "music"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, "ltx-2-5-pro"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_input_file(r, "audio_uri", data_file("tone.wav")), LTX_OK);
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 400000);
    ck_assert_str_eq(ltx_estimate_basis(est), "2 s of input audio x $0.20/s (ltx-2-5-pro, 1080p, "
                                              "audio-to-video)");
    ck_assert_ptr_nonnull(strstr(ltx_estimate_source(est), "price file "));
    ltx_estimate_free(est);
    ltx_request_free(r);
    ltx_prices_free(p);
}
END_TEST

START_TEST(a_bad_user_file_is_refused_whole_naming_row_and_field)
{
    static const struct {
        const char *text;
        const char *field;   /* ltx_error_field() */
        const char *message; /* in the message */
    } bad[] = {
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [\n"
         " {\"endpoint\": \"text-to-video\", \"model\": \"ltx-2-3-pro\", \"resolution\": \"4k\",\n"
         "  \"unit\": \"output_second\", \"usd_per_unit\": 0.01},\n"
         " {\"endpoint\": \"retake\", \"unit\": \"output_second\", \"usd_per_unit\": \"0.1\"}]}",
         "usd_per_unit", "row 2 (retake): usd_per_unit"},
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [\n"
         " {\"endpoint\": \"text-to-video\", \"unit\": \"output_second\", \"usd_per_unit\": 1,"
         " \"price\": 2}]}",
         "price", "row 1 (text-to-video): price: not a member"},
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [\n"
         " {\"endpoint\": \"text-to-video\", \"resolution\": \"4K\", \"unit\": \"output_second\","
         " \"usd_per_unit\": 1}]}",
         "resolution", "row 1 (text-to-video 4K): resolution"},
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [\n"
         " {\"endpoint\": \"text-to-video\", \"unit\": \"second\", \"usd_per_unit\": 1}]}",
         "unit", "row 1 (text-to-video): unit"},
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [\n"
         " {\"endpoint\": \"text-to-video\", \"unit\": \"output_second\", \"usd_per_unit\": -1}]}",
         "usd_per_unit", "from 0 to 1000"},
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [\n"
         " {\"endpoint\": \"extend\", \"unit\": \"output_second\", \"usd_per_unit\": 1},\n"
         " {\"endpoint\": \"extend\", \"unit\": \"output_second\", \"usd_per_unit\": 2}]}",
         "row", "row 2 (extend): row: the same endpoint, model and resolution as row 1"},
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [\n"
         " {\"endpoint\": \"../etc\", \"unit\": \"output_second\", \"usd_per_unit\": 1}]}",
         "endpoint", "endpoint: required"},
        {"{\"version\": 1, \"date\": \"2026-13-01\", \"rows\": []}", "date", "date"},
        {"{\"version\": 2, \"date\": \"2026-11-01\", \"rows\": []}", "version", "version"},
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"currency\": \"EUR\", \"rows\": []}",
         "currency", "only \"USD\""},
        {"{\"version\": 1, \"date\": \"2026-11-01\"}", "rows", "rows: required"},
        {"{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": [], \"rows\": []}", NULL,
         "not valid JSON"},
        {"{\"version\": 1,\n \"date\": ", NULL, "line 2"},
        {"[]", NULL, "must be a JSON object"},
    };
    ltx_prices *p = NULL;
    ltx_request *r = t2v("ltx-2-3-pro", "3840x2160", 10);

    ck_assert_int_eq(ltx_prices_new(&p, NULL), LTX_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *path = put_text("bad.json", bad[i].text);
        ltx_error *e = NULL;
        ltx_estimate *est;

        ck_assert_int_eq(ltx_prices_load_file(p, path, &e), LTX_EINVAL);
        ck_assert_msg(strstr(ltx_error_message(e), bad[i].message), "case %zu: %s", i,
                      ltx_error_message(e));
        ck_assert_msg(strstr(ltx_error_message(e), "bad.json"), "case %zu names the file", i);
        if (bad[i].field)
            ck_assert_str_eq(ltx_error_field(e), bad[i].field);
        ltx_error_free(e);
        /* the table is unchanged: the first case's valid row 1 was not taken */
        ck_assert_str_eq(ltx_prices_date(p), "2026-10-07");
        est = estimate(r, p);
        ck_assert_int_eq(ltx_estimate_micro_usd(est), 3200000);
        ltx_estimate_free(est);
    }
    {
        ltx_error *e = NULL;
        char missing[600];

        snprintf(missing, sizeof(missing), "%s/none.json", dir);
        ck_assert_int_eq(ltx_prices_load_file(p, missing, &e), LTX_EIO);
        ltx_error_free(e);
    }
    ltx_request_free(r);
    ltx_prices_free(p);
}
END_TEST

/* ---------------------------------------------------------------- endpoints priced by input */
static const char *put_mp4(const char *name, uint32_t w, uint32_t h, uint32_t ms)
{
    mp4_spec sp = {.timescale = 1000, .duration = ms, .width = w, .height = h};
    bytes b = make_mp4(&sp);
    const char *path = put_file(name, b.b, b.len);

    free(b.b);
    return path;
}

static ltx_request *video_request(ltx_endpoint ep, const char *path)
{
    ltx_request *r = NULL;

    ck_assert_int_eq(ltx_request_new(&r, ep), LTX_OK);
    if (path)
        ck_assert_int_eq(ltx_request_set_input_file(r, "video_uri", path), LTX_OK);
    else
        ck_assert_int_eq(ltx_request_set_video_uri(r, "https://example.com/in.mp4"), LTX_OK);
    return r;
}

START_TEST(retake_is_priced_on_the_whole_input_video)
{
    ltx_request *r = video_request(LTX_ENDPOINT_RETAKE, put_mp4("in.mp4", 1920, 1080, 12500));
    ltx_estimate *est;

    ck_assert_int_eq(ltx_request_set_start_time(r, 1), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 3), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 1250000);
    ck_assert_str_eq(ltx_estimate_basis(est),
                     "12.5 s of input video x $0.10/s (ltx-2-3-pro, 1080p, retake)");
    ltx_estimate_free(est);
    ltx_request_free(r);

    r = video_request(LTX_ENDPOINT_RETAKE, NULL); /* a remote input */
    ck_assert_int_eq(ltx_request_set_start_time(r, 1), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 3), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ck_assert_ptr_nonnull(strstr(ltx_estimate_basis(est), "video_uri is a remote URI"));
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

START_TEST(extend_adds_the_context_and_caps_at_505_frames)
{
    const char *path = put_mp4("in.mp4", 1920, 1080, 8000);
    ltx_request *r = video_request(LTX_ENDPOINT_EXTEND, path);
    ltx_estimate *est;

    /* default context: all 8 s of the input */
    ck_assert_int_eq(ltx_request_set_duration(r, 5), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 1300000);
    ck_assert_str_eq(ltx_estimate_basis(est), "5 s + 8 s of context x $0.10/s (ltx-2-3-pro, "
                                              "1080p, extend)");
    ltx_estimate_free(est);
    /* context given */
    ck_assert_int_eq(ltx_request_set_context(r, 2.5), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 750000);
    ltx_estimate_free(est);
    /* more context than the input has: only the input's 8 s are used */
    ck_assert_int_eq(ltx_request_set_context(r, 12), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 1300000);
    ck_assert_ptr_nonnull(strstr(ltx_estimate_basis(est), "5 s + 8 s of context"));
    ltx_estimate_free(est);
    /* 20 s + 8 s is over 505 frames: 505 / 24 s billed */
    ck_assert_int_eq(ltx_request_set_duration(r, 20), LTX_OK);
    ck_assert_int_eq(ltx_request_set_context(r, 8), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), (505 * 1000 / 24) * 100);
    ck_assert_ptr_nonnull(strstr(ltx_estimate_basis(est), "capped at 505 frames at 24 fps"));
    ltx_estimate_free(est);
    ltx_request_free(r);

    /* a 720p input: no published extend price at that tier */
    r = video_request(LTX_ENDPOINT_EXTEND, put_mp4("small.mp4", 1280, 720, 8000));
    ck_assert_int_eq(ltx_request_set_duration(r, 5), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ck_assert_str_eq(ltx_estimate_basis(est),
                     "no published price for extend on ltx-2-3-pro at 720p");
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

START_TEST(hdr_is_priced_by_the_input_tier_snapped_up)
{
    static const struct {
        uint32_t w, h;
        int64_t micro;
    } cases[] = {
        {1280, 720, 400000}, {1080, 1920, 400000}, {2560, 1440, 800000}, {3840, 2160, 1600000}};

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ltx_request *r = video_request(LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR,
                                       put_mp4("in.mp4", cases[i].w, cases[i].h, 2000));
        ltx_estimate *est = estimate(r, NULL);

        ck_assert_msg(ltx_estimate_micro_usd(est) == cases[i].micro, "%ux%u: %s", cases[i].w,
                      cases[i].h, ltx_estimate_basis(est));
        ltx_estimate_free(est);
        ltx_request_free(r);
    }
}
END_TEST

START_TEST(reframe_is_priced_by_the_output_tier_on_the_input_length)
{
    ltx_request *r =
        video_request(LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME, put_mp4("in.mp4", 1920, 1080, 30000));
    ltx_estimate *est;

    ck_assert_int_eq(ltx_request_set_resolution(r, "720x1280"), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 3000000);
    ltx_estimate_free(est);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1080x1350"), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 6000000);
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

START_TEST(audio_to_video_reads_the_audio_length)
{
    bytes wav = make_wav(16000, 1, 16, 32000 * 9 / 2, 32000 * 9 / 2);
    const char *path = put_file("in.wav", wav.b, wav.len);
    ltx_request *r = NULL;
    ltx_estimate *est;

    free(wav.b);
    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_AUDIO_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "a choir"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_input_file(r, "audio_uri", path), LTX_OK);
    est = estimate(r, NULL); /* default model ltx-2-3-pro, 1080p: $0.10 */
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 450000);
    ck_assert_str_eq(ltx_estimate_basis(est),
                     "4.5 s of input audio x $0.10/s (ltx-2-3-pro, 1080p, audio-to-video)");
    ltx_estimate_free(est);
    ck_assert_int_eq(ltx_request_set_model(r, "ltx-2-5-fast"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1080x1920"), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 585000);
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

START_TEST(an_endpoint_known_by_name_is_priced_by_a_user_row)
{
    const char *path = put_text("p.json", "{\"version\": 1, \"date\": \"2026-12-01\", \"rows\": ["
                                          "{\"endpoint\": \"image-to-image\", \"unit\": "
                                          "\"output_second\", \"usd_per_unit\": 0.5}]}");
    ltx_prices *p = NULL;
    ltx_request *r = NULL;
    ltx_estimate *est;

    ck_assert_int_eq(ltx_prices_new(&p, NULL), LTX_OK);
    ck_assert_int_eq(ltx_request_new_by_name(&r, "image-to-image"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_json(r, "duration", "4"), LTX_OK);
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ltx_estimate_free(est);
    ck_assert_int_eq(ltx_prices_load_file(p, path, NULL), LTX_OK);
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 2000000);
    ck_assert_str_eq(ltx_estimate_basis(est), "4 s x $0.50/s (image-to-image)");
    ck_assert_str_eq(ltx_estimate_date(est), "2026-12-01");
    ltx_estimate_free(est);
    ltx_request_free(r);
    ltx_prices_free(p);
}
END_TEST

/* ---------------------------------------------------------------- edges of the table */
START_TEST(a_table_refuses_null_arguments_unreadable_and_oversized_files)
{
    ltx_prices *p = NULL;
    ltx_error *e = NULL;
    ltx_request *r = t2v("ltx-2-3-pro", "3840x2160", 10);
    ltx_estimate *est;
    char *big;
    const char *path;

    ck_assert_int_eq(ltx_prices_new(NULL, &e), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_message(e), "ltx_prices_new: out is NULL");
    ltx_error_free(e);
    e = NULL;
    ck_assert_int_eq(ltx_prices_new(&p, NULL), LTX_OK);
    ck_assert_int_eq(ltx_prices_load_file(NULL, "x.json", &e), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_message(e), "ltx_prices_load_file: prices is NULL");
    ltx_error_free(e);
    e = NULL;
    ck_assert_int_eq(ltx_prices_load_file(p, NULL, &e), LTX_EINVAL);
    ck_assert_str_eq(ltx_error_message(e), "ltx_prices_load_file: path is NULL");
    ltx_error_free(e);
    e = NULL;
    ck_assert_int_eq(ltx_prices_load_file(p, "", NULL), LTX_EINVAL);

    /* a directory opens but cannot be read */
    ck_assert_int_eq(ltx_prices_load_file(p, dir, &e), LTX_EIO);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "cannot read"));
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), dir));
    ltx_error_free(e);
    e = NULL;

    /* one byte over 1 MiB is not a price file, even if it would parse */
    big = malloc(1024 * 1024 + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, ' ', 1024 * 1024 + 1);
    memcpy(big, "{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": []}", 49);
    path = put_file("big.json", big, 1024 * 1024 + 1);
    free(big);
    ck_assert_int_eq(ltx_prices_load_file(p, path, &e), LTX_EINVAL);
    ck_assert_ptr_nonnull(strstr(ltx_error_message(e), "larger than 1048576 bytes"));
    ltx_error_free(e);

    /* none of it touched the table */
    ck_assert_str_eq(ltx_prices_date(p), "2026-10-07");
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 3200000);
    ltx_estimate_free(est);
    ltx_request_free(r);
    ltx_prices_free(p);
}
END_TEST

START_TEST(a_file_without_rows_only_moves_the_date_forward)
{
    ltx_prices *p = NULL;
    ltx_request *r = t2v("ltx-2-3-fast", "1920x1080", 6);
    ltx_estimate *est;

    ck_assert_int_eq(ltx_prices_new(&p, NULL), LTX_OK);
    ck_assert_int_eq(
        ltx_prices_load_file(
            p, put_text("new.json", "{\"version\": 1, \"date\": \"2026-11-01\", \"rows\": []}"),
            NULL),
        LTX_OK);
    ck_assert_str_eq(ltx_prices_date(p), "2026-11-01");
    ck_assert_int_eq(
        ltx_prices_load_file(
            p, put_text("old.json", "{\"version\": 1, \"date\": \"2025-01-01\", \"rows\": []}"),
            NULL),
        LTX_OK);
    ck_assert_str_eq(ltx_prices_date(p), "2026-11-01");
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 360000);
    ltx_estimate_free(est);
    ltx_request_free(r);
    ltx_prices_free(p);
}
END_TEST

/* A table of the built-in rows and one more, given as a price file's row. */
static ltx_prices *with_row(const char *row)
{
    char text[512];
    ltx_prices *p = NULL;
    ltx_error *e = NULL;

    snprintf(text, sizeof(text), "{\"version\": 1, \"date\": \"2026-12-01\", \"rows\": [%s]}", row);
    ck_assert_int_eq(ltx_prices_new(&p, NULL), LTX_OK);
    ck_assert_msg(ltx_prices_load_file(p, put_text("row.json", text), &e) == LTX_OK, "%s",
                  e ? ltx_error_message(e) : "?");
    return p;
}

static ltx_request *by_name(const char *endpoint, const char *duration_json)
{
    ltx_request *r = NULL;

    ck_assert_int_eq(ltx_request_new_by_name(&r, endpoint), LTX_OK);
    if (duration_json)
        ck_assert_int_eq(ltx_request_set_json(r, "duration", duration_json), LTX_OK);
    return r;
}

START_TEST(fractions_of_seconds_and_cents_are_shown_exactly)
{
    ltx_prices *p = with_row("{\"endpoint\": \"image-to-image\", \"unit\": \"output_second\", "
                             "\"usd_per_unit\": 0.125}");
    ltx_request *r = by_name("image-to-image", "2.25");
    ltx_estimate *est = estimate(r, p);

    ck_assert_int_eq(ltx_estimate_micro_usd(est), 281250);
    ck_assert_str_eq(ltx_estimate_basis(est), "2.25 s x $0.125/s (image-to-image)");
    ltx_estimate_free(est);
    ck_assert_int_eq(ltx_request_set_json(r, "duration", "2.125"), LTX_OK);
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 265625); /* $0.265625 exactly */
    ck_assert_str_eq(ltx_estimate_basis(est), "2.125 s x $0.125/s (image-to-image)");
    ltx_estimate_free(est);
    ltx_request_free(r);
    ltx_prices_free(p);
}
END_TEST

START_TEST(a_duration_that_is_not_a_usable_number_is_unknown)
{
    ltx_prices *p = with_row("{\"endpoint\": \"image-to-image\", \"unit\": \"output_second\", "
                             "\"usd_per_unit\": 1000}");
    static const struct {
        const char *json, *basis;
    } cases[] = {
        {"null", "duration is automatic (null)"},
        {"\"6\"", "no duration is set as a number of seconds"},
        {"-1", "no duration is set as a number of seconds"},
        {"1e9", "no duration is set as a number of seconds"},
        {"10000000", "the estimate is too large to count"},
        {NULL, "no duration is set as a number of seconds"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ltx_request *r = by_name("image-to-image", cases[i].json);
        ltx_estimate *est = estimate(r, p);

        ck_assert_int_eq(ltx_estimate_known(est), 0);
        ck_assert_int_eq(ltx_estimate_micro_usd(est), -1);
        ck_assert_msg(strstr(ltx_estimate_basis(est), cases[i].basis), "%s: %s",
                      cases[i].json ? cases[i].json : "(unset)", ltx_estimate_basis(est));
        ltx_estimate_free(est);
        ltx_request_free(r);
    }
    ltx_prices_free(p);
}
END_TEST

START_TEST(a_model_given_as_json_text_is_priced_as_that_model)
{
    ltx_request *r = t2v("ltx-2-3-pro", "1920x1080", 6);
    ltx_estimate *est;

    ck_assert_int_eq(ltx_request_set_json(r, "model", "\"ltx-2-3-fast\""), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_micro_usd(est), 360000);
    ck_assert_str_eq(ltx_estimate_basis(est), "6 s x $0.06/s (ltx-2-3-fast, 1080p, text-to-video)");
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

START_TEST(a_price_per_input_second_needs_that_input)
{
    ltx_prices *p = with_row("{\"endpoint\": \"text-to-video\", \"model\": \"ltx-2-3-pro\", "
                             "\"resolution\": \"1080p\", \"unit\": \"input_video_second\", "
                             "\"usd_per_unit\": 0.5}");
    ltx_request *r = NULL;
    ltx_estimate *est;

    ck_assert_int_eq(ltx_request_new(&r, LTX_ENDPOINT_TEXT_TO_VIDEO), LTX_OK);
    ck_assert_int_eq(ltx_request_set_prompt(r, "a cat"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_model(r, "ltx-2-3-pro"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_resolution(r, "1920x1080"), LTX_OK);
    ck_assert_int_eq(ltx_request_set_duration(r, 6), LTX_OK);
    est = estimate(r, p);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ck_assert_str_eq(ltx_estimate_basis(est),
                     "the price is per second of video_uri, which this request does not have");
    ltx_estimate_free(est);
    ltx_request_free(r);
    ltx_prices_free(p);
}
END_TEST

START_TEST(extend_and_hdr_of_a_remote_input_are_unknown_with_the_reason)
{
    ltx_request *r = video_request(LTX_ENDPOINT_EXTEND, NULL);
    ltx_estimate *est;
    const char *path;
    char want[600];

    ck_assert_int_eq(ltx_request_set_duration(r, 5), LTX_OK);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ck_assert_str_eq(ltx_estimate_basis(est), "video_uri is a remote URI, whose length cannot be "
                                              "read here: the extend price depends on the "
                                              "input's resolution");
    ltx_estimate_free(est);
    ltx_request_free(r);

    r = video_request(LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR, NULL);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    ck_assert_str_eq(ltx_estimate_basis(est), "video_uri is a remote URI, whose length cannot be "
                                              "read here: the video-to-video-hdr price depends "
                                              "on the input's resolution");
    ltx_estimate_free(est);
    ltx_request_free(r);

    /* a local input whose header has no frame size */
    path = put_mp4("in.mp4", 0, 0, 2000);
    r = video_request(LTX_ENDPOINT_VIDEO_TO_VIDEO_HDR, path);
    est = estimate(r, NULL);
    ck_assert_int_eq(ltx_estimate_known(est), 0);
    snprintf(want, sizeof(want), "the frame size of %s could not be read from its header", path);
    ck_assert_str_eq(ltx_estimate_basis(est), want);
    ltx_estimate_free(est);
    ltx_request_free(r);
}
END_TEST

Suite *suite_price(void)
{
    Suite *s = suite_create("price");
    TCase *media = tcase_create("media durations");
    TCase *table = tcase_create("table");
    TCase *files = tcase_create("price files");
    TCase *inputs = tcase_create("priced by input");
    TCase *edges = tcase_create("table and estimate edges");

    tcase_set_timeout(media, 60);
    tcase_add_test(media, test_data_files_have_their_known_durations);
    tcase_add_test(media, an_image_or_a_missing_file_is_refused_and_out_is_untouched);
    tcase_add_test(media, test_data_files_survive_every_cut_and_corruption);
    tcase_add_test(media, mp4_version_1_header_and_64_bit_box_size);
    tcase_add_test(media, mp4_fragmented_reads_the_movie_extends_header);
    tcase_add_test(media, mp4_hostile_headers_are_refused);
    tcase_add_test(media, mp4_box_sizes_that_lie_are_refused);
    tcase_add_test(media, wav_duration_from_fmt_and_data);
    tcase_add_test(media, wav_hostile_headers_are_refused);
    tcase_add_test(media, mp3_constant_bit_rate_counts_the_bytes);
    tcase_add_test(media, mp3_xing_and_vbri_headers_count_frames);
    tcase_add_test(media, mp3_hostile_tags_are_refused);
    suite_add_tcase(s, media);

    tcase_add_test(table, a_published_row_gives_its_price_basis_source_and_date);
    tcase_add_test(table, built_in_table_has_every_text_and_image_to_video_cell);
    tcase_add_test(table, automatic_duration_is_unknown_with_the_reason);
    tcase_add_test(table, an_unpublished_combination_is_unknown);
    tcase_add_test(table, an_invalid_request_is_an_error_not_an_estimate);
    suite_add_tcase(s, table);

    tcase_add_checked_fixture(files, dir_setup, dir_teardown);
    tcase_add_test(files, a_user_file_overrides_and_completes_the_table);
    tcase_add_test(files, a_bad_user_file_is_refused_whole_naming_row_and_field);
    tcase_add_test(files, an_endpoint_known_by_name_is_priced_by_a_user_row);
    suite_add_tcase(s, files);

    tcase_add_checked_fixture(inputs, dir_setup, dir_teardown);
    tcase_add_test(inputs, retake_is_priced_on_the_whole_input_video);
    tcase_add_test(inputs, extend_adds_the_context_and_caps_at_505_frames);
    tcase_add_test(inputs, hdr_is_priced_by_the_input_tier_snapped_up);
    tcase_add_test(inputs, reframe_is_priced_by_the_output_tier_on_the_input_length);
    tcase_add_test(inputs, audio_to_video_reads_the_audio_length);
    tcase_add_test(inputs, extend_and_hdr_of_a_remote_input_are_unknown_with_the_reason);
    suite_add_tcase(s, inputs);

    tcase_add_checked_fixture(edges, dir_setup, dir_teardown);
    tcase_add_test(edges, a_table_refuses_null_arguments_unreadable_and_oversized_files);
    tcase_add_test(edges, a_file_without_rows_only_moves_the_date_forward);
    tcase_add_test(edges, fractions_of_seconds_and_cents_are_shown_exactly);
    tcase_add_test(edges, a_duration_that_is_not_a_usable_number_is_unknown);
    tcase_add_test(edges, a_model_given_as_json_text_is_priced_as_that_model);
    tcase_add_test(edges, a_price_per_input_second_needs_that_input);
    suite_add_tcase(s, edges);
    return s;
}
