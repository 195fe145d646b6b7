/* lib/media.c — the length of local media from its headers (MP4/MOV, WAV, MP3), no decoder.
 * Every size and offset in a file is untrusted: each read is bounded by the file's size, each
 * walk by a count of boxes or chunks, and all arithmetic is checked before it is done. */
#define _POSIX_C_SOURCE 200809L
#include "pricing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The most boxes or chunks looked at in one file, and how deep MP4 boxes are entered. */
#define MAX_BOXES 4096
#define MAX_DEPTH 4
/* How far after an ID3v2 tag the first MP3 frame is looked for. */
#define MP3_SCAN_BYTES (64u * 1024u)

typedef struct {
    ltx_media_read_fn read;
    void *ud;
    uint64_t size;
    const char *name;
    ltx_error **err;
    unsigned boxes; /* looked at so far, against MAX_BOXES */
} src;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t be64(const unsigned char *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}
static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t le32(const unsigned char *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* LTX_EINVAL (or LTX_ENOMEM), never LTX_OK: said outright, because scan-build cannot see into
 * ltx__fail() and would go on to decode bytes that a failed read did not set. */
static int bad(src *s, const char *what)
{
    int rc = ltx__fail(s->err, LTX_EINVAL, "%s: cannot read the duration: %s", s->name, what);

    return rc != LTX_OK ? rc : LTX_EINVAL;
}

/* Read exactly n bytes at off: LTX_OK, or LTX_EINVAL (past the end: truncated) or LTX_EIO. */
static int get(src *s, uint64_t off, void *buf, size_t n)
{
    long got;
    int rc;

    if (off > s->size || n > s->size - off)
        rc = bad(s, "the file is truncated");
    else if ((got = s->read(s->ud, off, buf, n)) < 0)
        rc = ltx__fail(s->err, LTX_EIO, "%s: cannot read: %s", s->name, strerror(errno));
    else if ((size_t)got != n)
        rc = bad(s, "the file is truncated");
    else
        return LTX_OK;
    /* as bad() says, here too: scan-build does not follow bad() when this deep */
    return rc != LTX_OK ? rc : LTX_EINVAL;
}

/* Read exactly n bytes at off, for a look that may fail quietly: 1 when read, else 0. */
static int peek(src *s, uint64_t off, void *buf, size_t n)
{
    return off <= s->size && n <= s->size - off && s->read(s->ud, off, buf, n) == (long)n;
}

/* Milliseconds of count units at rate units per second, or -1 when implausibly large. */
static int64_t to_ms(uint64_t count, uint64_t rate)
{
    uint64_t whole = count / rate, rest = count % rate;

    if (whole > (uint64_t)INT64_MAX / 1000 - 1)
        return -1;
    /* rest < rate, so rest * 1000 overflows only for rates above 2^54: divide first then */
    return (int64_t)(whole * 1000 +
                     (rate < (UINT64_C(1) << 54) ? rest * 1000 / rate : rest / (rate / 1000)));
}

/* ---------------------------------------------------------------- MP4 / MOV */
typedef struct {
    int have_mvhd;
    uint32_t timescale;
    uint64_t duration;
    int have_mehd;
    uint64_t fragment_duration;
    uint32_t width, height;
} mp4_state;

static int mp4_walk(src *s, mp4_state *st, uint64_t off, uint64_t end, int depth);

/* A box's content must hold need bytes: read them into b. */
static int box_read(src *s, const char *type, uint64_t off, uint64_t len, unsigned char *b,
                    size_t need)
{
    char what[32];

    if (len < need) {
        snprintf(what, sizeof(what), "%s box too short", type);
        return bad(s, what);
    }
    return get(s, off, b, need);
}

static int mp4_mvhd(src *s, mp4_state *st, uint64_t off, uint64_t len)
{
    unsigned char b[32];
    int rc;

    if ((rc = box_read(s, "mvhd", off, len, b, 4)) != LTX_OK)
        return rc;
    if (b[0] > 1)
        return bad(s, "mvhd box of an unknown version");
    if ((rc = box_read(s, "mvhd", off, len, b, b[0] == 1 ? 32 : 20)) != LTX_OK)
        return rc;
    if (b[0] == 1) {
        st->timescale = be32(b + 20);
        st->duration = be64(b + 24);
    } else {
        st->timescale = be32(b + 12);
        st->duration = be32(b + 16);
        if (st->duration == UINT32_MAX)
            st->duration = UINT64_MAX; /* "unknown" in the 32-bit form */
    }
    st->have_mvhd = 1;
    return LTX_OK;
}

static int mp4_mehd(src *s, mp4_state *st, uint64_t off, uint64_t len)
{
    unsigned char b[12];
    int rc;

    if ((rc = box_read(s, "mehd", off, len, b, 4)) != LTX_OK ||
        (rc = box_read(s, "mehd", off, len, b, b[0] == 1 ? 12 : 8)) != LTX_OK)
        return rc;
    st->fragment_duration = b[0] == 1 ? be64(b + 4) : be32(b + 4);
    st->have_mehd = 1;
    return LTX_OK;
}

/* A track's width and height (16.16 fixed point, at the end); the largest track's is kept. */
static int mp4_tkhd(src *s, mp4_state *st, uint64_t off, uint64_t len)
{
    unsigned char b[96];
    size_t need;
    uint32_t w, h;
    int rc;

    if ((rc = box_read(s, "tkhd", off, len, b, 4)) != LTX_OK)
        return rc;
    need = b[0] == 1 ? 96 : 84;
    if ((rc = box_read(s, "tkhd", off, len, b, need)) != LTX_OK)
        return rc;
    w = be32(b + need - 8) >> 16;
    h = be32(b + need - 4) >> 16;
    if ((uint64_t)w * h > (uint64_t)st->width * st->height) {
        st->width = w;
        st->height = h;
    }
    return LTX_OK;
}

/* A box that is not entered: the three whose fields are needed are read, the rest skipped. */
static int mp4_leaf(src *s, mp4_state *st, const char *type, uint64_t off, uint64_t len)
{
    if (strcmp(type, "mvhd") == 0)
        return mp4_mvhd(s, st, off, len);
    if (strcmp(type, "mehd") == 0)
        return mp4_mehd(s, st, off, len);
    if (strcmp(type, "tkhd") == 0)
        return mp4_tkhd(s, st, off, len);
    return LTX_OK;
}

/* The boxes between off and end; moov, trak, mvex (and mdia is not needed) are entered. */
static int mp4_walk(src *s, mp4_state *st, uint64_t off, uint64_t end, int depth)
{
    unsigned char h[16];
    char type[5];
    int rc;

    while (off < end) {
        uint64_t size, hlen = 8;

        if (++s->boxes > MAX_BOXES)
            return bad(s, "too many boxes");
        if (end - off < 8)
            return bad(s, "a box header is cut short");
        if ((rc = get(s, off, h, 8)) != LTX_OK)
            return rc;
        size = be32(h);
        memcpy(type, h + 4, 4);
        type[4] = '\0';
        if (size == 1) {
            if (end - off < 16)
                return bad(s, "a 64-bit box header is cut short");
            if ((rc = get(s, off + 8, h + 8, 8)) != LTX_OK)
                return rc;
            size = be64(h + 8);
            hlen = 16;
        } else if (size == 0) {
            size = end - off; /* to the end of the enclosing box or file */
        }
        if (size < hlen)
            return bad(s, "a box is smaller than its header");
        if (size > end - off) {
            /* a box running past the file: fine only for the media data after the header */
            if (depth == 0 && st->have_mvhd)
                return LTX_OK;
            return bad(s, "a box runs past the end of the file (truncated?)");
        }
        if (depth < MAX_DEPTH &&
            (strcmp(type, "moov") == 0 || strcmp(type, "trak") == 0 || strcmp(type, "mvex") == 0)) {
            if ((rc = mp4_walk(s, st, off + hlen, off + size, depth + 1)) != LTX_OK)
                return rc;
        } else if ((rc = mp4_leaf(s, st, type, off + hlen, size - hlen)) != LTX_OK) {
            return rc;
        }
        off += size;
    }
    return LTX_OK;
}

static int mp4_probe(src *s, ltx_media_info *out)
{
    mp4_state st = {0};
    uint64_t duration;
    int64_t ms;
    int rc;

    if ((rc = mp4_walk(s, &st, 0, s->size, 0)) != LTX_OK)
        return rc;
    if (!st.have_mvhd)
        return bad(s, "no movie header (mvhd box)");
    if (st.timescale == 0)
        return bad(s, "the movie header's timescale is 0");
    duration = st.duration;
    if ((duration == 0 || duration == UINT64_MAX) && st.have_mehd)
        duration = st.fragment_duration; /* fragmented: the movie extends header has it */
    if (duration == UINT64_MAX)
        return bad(s, "the movie header says the duration is unknown");
    if (duration == 0)
        return bad(s, "the movie header gives no duration");
    if ((ms = to_ms(duration, st.timescale)) < 0)
        return bad(s, "the movie header's duration is implausibly long");
    out->duration_ms = ms;
    out->width = st.width;
    out->height = st.height;
    out->format = "MP4/MOV";
    return LTX_OK;
}

/* ---------------------------------------------------------------- WAV */
static int wav_probe(src *s, ltx_media_info *out)
{
    unsigned char b[16];
    uint64_t off = 12;
    uint32_t byte_rate = 0;
    int have_fmt = 0, rc;

    while (off < s->size) {
        uint32_t id_size;
        char id[5];

        if (++s->boxes > MAX_BOXES)
            return bad(s, "too many chunks");
        if ((rc = get(s, off, b, 8)) != LTX_OK)
            return rc;
        memcpy(id, b, 4);
        id[4] = '\0';
        id_size = le32(b + 4);
        if (strcmp(id, "fmt ") == 0) {
            if (id_size < 16)
                return bad(s, "fmt chunk too short");
            if ((rc = get(s, off + 8, b, 16)) != LTX_OK)
                return rc;
            byte_rate = le32(b + 8);
            if (le16(b + 2) == 0 || le32(b + 4) == 0 || le16(b + 12) == 0)
                return bad(s, "fmt chunk gives no channels, sample rate or block size");
            if (byte_rate == 0)
                return bad(s, "fmt chunk gives a byte rate of 0");
            have_fmt = 1;
        } else if (strcmp(id, "data") == 0) {
            uint64_t present = s->size - off - 8, bytes = id_size;
            int64_t ms;

            if (!have_fmt)
                return bad(s, "data chunk before the fmt chunk");
            /* a data size of 0 or 0xffffffff is what streaming writers leave; a size past the
             * end is a cut file: either way the samples present are what will be sent */
            if (bytes == 0 || bytes == UINT32_MAX || bytes > present)
                bytes = present;
            if ((ms = to_ms(bytes, byte_rate)) < 0)
                return bad(s, "implausible data size");
            out->duration_ms = ms;
            out->format = "WAV";
            return LTX_OK;
        }
        off += 8 + (uint64_t)id_size + (id_size & 1);
    }
    return bad(s, have_fmt ? "no data chunk" : "no fmt chunk");
}

/* ---------------------------------------------------------------- MP3 */
typedef struct {
    int version;          /* 1, 2, 25 (MPEG-2.5) */
    int layer;            /* 1, 2, 3 */
    uint32_t bitrate;     /* bits per second */
    uint32_t sample_rate; /* Hz */
    uint32_t samples;     /* per frame */
    uint32_t length;      /* bytes of the frame */
    int mono;
} mp3_frame;

static int mp3_header(const unsigned char *b, mp3_frame *f)
{
    static const uint16_t kbps[5][15] = {
        {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, /* V1 L1 */
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    /* V1 L2 */
        {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     /* V1 L3 */
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},    /* V2 L1 */
        {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},         /* V2 L2, L3 */
    };
    static const uint32_t rates[3] = {44100, 48000, 32000};
    unsigned v = (b[1] >> 3) & 3, l = (b[1] >> 1) & 3, bi = b[2] >> 4, si = (b[2] >> 2) & 3;
    unsigned pad = (b[2] >> 1) & 1, table;

    if (b[0] != 0xff || (b[1] & 0xe0) != 0xe0 || v == 1 || l == 0 || bi == 0 || bi == 15 || si == 3)
        return 0;
    f->version = v == 3 ? 1 : v == 2 ? 2 : 25;
    f->layer = 4 - (int)l;
    table = f->version == 1 ? (unsigned)f->layer - 1 : f->layer == 1 ? 3 : 4;
    f->bitrate = kbps[table][bi] * 1000u;
    f->sample_rate = rates[si] >> (f->version == 1 ? 0 : f->version == 2 ? 1 : 2);
    f->samples = f->layer == 1 ? 384 : f->layer == 2 || f->version == 1 ? 1152 : 576;
    if (f->layer == 1)
        f->length = (12 * f->bitrate / f->sample_rate + pad) * 4;
    else
        f->length = f->samples / 8 * f->bitrate / f->sample_rate + pad;
    f->mono = (b[3] >> 6) == 3;
    return f->length >= 4;
}

/* Where the audio starts after an ID3v2 tag (0 without one). */
static int mp3_skip_id3(src *s, uint64_t *off)
{
    unsigned char b[10];
    int rc;

    *off = 0;
    if ((rc = get(s, 0, b, 10)) != LTX_OK)
        return rc;
    if (memcmp(b, "ID3", 3) != 0)
        return LTX_OK;
    if ((b[6] | b[7] | b[8] | b[9]) & 0x80)
        return bad(s, "the ID3 tag's size is not a syncsafe number");
    *off = 10 + ((uint64_t)b[6] << 21 | (uint64_t)b[7] << 14 | (uint64_t)b[8] << 7 | b[9]);
    if (b[5] & 0x10)
        *off += 10; /* footer */
    return LTX_OK;
}

/* The first frame at or after *off: a header whose successor confirms it, or a lone frame
 * that ends the audio. */
static int mp3_first_frame(src *s, uint64_t *off, uint64_t end, mp3_frame *f)
{
    uint64_t scan_end = *off + MP3_SCAN_BYTES < end ? *off + MP3_SCAN_BYTES : end;
    unsigned char b[4];
    mp3_frame next;
    int rc;

    for (; *off + 4 <= scan_end; (*off)++) {
        if (!peek(s, *off, b, 4) || !mp3_header(b, f))
            continue;
        if (*off + f->length >= end)
            return LTX_OK; /* a single frame */
        if (*off + f->length + 4 <= end && peek(s, *off + f->length, b, 4) &&
            mp3_header(b, &next) && next.version == f->version && next.layer == f->layer &&
            next.sample_rate == f->sample_rate)
            return LTX_OK;
    }
    rc = bad(s, "no MPEG audio frame found");
    return rc != LTX_OK ? rc : LTX_EINVAL; /* as get() says: *f is not set */
}

/* The frame count of a Xing/Info header (after the side information) or a VBRI header (32
 * bytes in); 0 when there is neither, or no count. */
static uint64_t mp3_vbr_frames(src *s, uint64_t off, uint64_t end, const mp3_frame *f)
{
    uint64_t xing = off + 4 + (f->version == 1 ? (f->mono ? 17 : 32) : (f->mono ? 9 : 17));
    unsigned char b[18];

    if (xing + 12 <= end && peek(s, xing, b, 12) &&
        (memcmp(b, "Xing", 4) == 0 || memcmp(b, "Info", 4) == 0))
        return be32(b + 4) & 1 ? (uint64_t)be32(b + 8) + 1 : 0; /* + 1: 0 frames is counted */
    if (off + 36 + 18 <= end && peek(s, off + 36, b, 18) && memcmp(b, "VBRI", 4) == 0)
        return (uint64_t)be32(b + 14) + 1;
    return 0;
}

static int mp3_probe(src *s, ltx_media_info *out)
{
    unsigned char tag[3];
    uint64_t off, end = s->size, frames;
    mp3_frame f;
    int rc;

    if ((rc = mp3_skip_id3(s, &off)) != LTX_OK)
        return rc;
    if (end >= 128 && peek(s, end - 128, tag, 3) && memcmp(tag, "TAG", 3) == 0)
        end -= 128; /* ID3v1 at the end */
    if ((rc = mp3_first_frame(s, &off, end, &f)) != LTX_OK)
        return rc;
    out->format = "MP3";
    if ((frames = mp3_vbr_frames(s, off, end, &f)) == 1)
        return bad(s, "the VBR header counts 0 frames");
    if (frames > 1) {
        out->duration_ms = to_ms((frames - 1) * f.samples, f.sample_rate);
        return LTX_OK;
    }
    /* constant bit rate: the bytes of audio at the first frame's rate */
    if (end - off > UINT64_MAX / 8)
        return bad(s, "implausible size");
    out->duration_ms = to_ms((end - off) * 8, f.bitrate);
    return LTX_OK;
}

/* ---------------------------------------------------------------- entry points */
int ltx__media_probe(ltx_media_info *out, ltx_media_read_fn read, void *ud, uint64_t size,
                     const char *name, ltx_error **err)
{
    src s = {.read = read, .ud = ud, .size = size, .name = name ? name : "media", .err = err};
    ltx_media_info info = {0};
    unsigned char b[12];
    int rc;

    if (size < 12)
        return bad(&s, "not an MP4, MOV, WAV or MP3 file (too short)");
    if ((rc = get(&s, 0, b, 12)) != LTX_OK)
        return rc;
    if (memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WAVE", 4) == 0)
        rc = wav_probe(&s, &info);
    else if (memcmp(b + 4, "ftyp", 4) == 0 || memcmp(b + 4, "moov", 4) == 0 ||
             memcmp(b + 4, "mdat", 4) == 0 || memcmp(b + 4, "wide", 4) == 0 ||
             memcmp(b + 4, "free", 4) == 0 || memcmp(b + 4, "skip", 4) == 0)
        rc = mp4_probe(&s, &info);
    else if (memcmp(b, "ID3", 3) == 0 || (b[0] == 0xff && (b[1] & 0xe0) == 0xe0))
        rc = mp3_probe(&s, &info);
    else
        return bad(&s, "not an MP4, MOV, WAV or MP3 file");
    if (rc == LTX_OK && info.duration_ms < 0)
        return bad(&s, "implausible duration");
    if (rc == LTX_OK)
        *out = info;
    return rc;
}

typedef struct {
    const unsigned char *data;
    size_t len;
} mem_src;

static long mem_read(void *ud, uint64_t offset, void *buf, size_t n)
{
    const mem_src *m = ud;

    if (offset >= m->len)
        return 0;
    if (n > m->len - offset)
        n = (size_t)(m->len - offset);
    memcpy(buf, m->data + offset, n);
    return (long)n;
}

int ltx__media_probe_mem(ltx_media_info *out, const void *data, size_t len, ltx_error **err)
{
    mem_src m = {data, len};

    return ltx__media_probe(out, mem_read, &m, len, "media", err);
}

static long fd_read(void *ud, uint64_t offset, void *buf, size_t n)
{
    int fd = *(int *)ud;
    size_t done = 0;

    if (offset > (uint64_t)INT64_MAX)
        return 0;
    while (done < n) {
        ssize_t got = pread(fd, (char *)buf + done, n - done, (off_t)(offset + done));

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        done += (size_t)got;
    }
    return (long)done;
}

int ltx__media_probe_file(ltx_media_info *out, const char *path, ltx_error **err)
{
    uint64_t size;
    int fd, rc;

    if ((rc = ltx__open_regular(path, &fd, &size, err)) != LTX_OK)
        return rc;
    rc = ltx__media_probe(out, fd_read, &fd, size, path, err);
    close(fd);
    return rc;
}

LTX_API int ltx_media_duration_ms(int64_t *out, const char *path, ltx_error **err)
{
    ltx_media_info info;
    int rc;

    LTX_ERR_ENTRY(err);
    if (!out)
        return ltx__fail(err, LTX_EINVAL, "ltx_media_duration_ms: out is NULL");
    if ((rc = ltx__media_probe_file(&info, path, err)) == LTX_OK)
        *out = info.duration_ms;
    return rc;
}
