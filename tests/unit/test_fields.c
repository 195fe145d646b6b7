/* tests/unit/test_fields.c — the field table (lib/fields.c) against spec/ltx-openapi.json: every
 * request property of every endpoint, by name, JSON type, required-ness, enum and default. A
 * difference fails unless the row says why it differs. */
#define _POSIX_C_SOURCE 200809L
#include "tests.h"

#include "fields.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LTX_SPEC_PATH
#define LTX_SPEC_PATH "spec/ltx-openapi.json"
#endif

#define REPORT_MAX 8192

typedef struct {
    char text[REPORT_MAX];
    size_t len;
    unsigned differences;
} report;

static void note(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(report *r, const char *fmt, ...)
{
    va_list ap;
    int w;

    r->differences++;
    if (r->len >= sizeof(r->text) - 1)
        return;
    va_start(ap, fmt);
    w = vsnprintf(r->text + r->len, sizeof(r->text) - r->len, fmt, ap);
    va_end(ap);
    if (w > 0)
        r->len += (size_t)w < sizeof(r->text) - r->len ? (size_t)w : sizeof(r->text) - r->len - 1;
}

static json_t *spec_load(void)
{
    json_error_t e;
    json_t *doc = json_load_file(LTX_SPEC_PATH, 0, &e);

    ck_assert_msg(doc != NULL, "cannot read %s: %s", LTX_SPEC_PATH, e.text);
    return doc;
}

/* Follow a local "$ref" ("#/components/schemas/X"). */
static json_t *deref(json_t *doc, json_t *node)
{
    const char *ref = json_string_value(json_object_get(node, "$ref"));
    const char *prefix = "#/components/schemas/";

    if (!ref || strncmp(ref, prefix, strlen(prefix)) != 0)
        return node;
    return json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"),
                           ref + strlen(prefix));
}

/* The request schema of each endpoint this release knows, from /v2/<name> (v1 shares them). */
static json_t *request_schema(json_t *doc, int endpoint)
{
    char path[96];
    json_t *post, *schema;

    snprintf(path, sizeof(path), "/v2/%s", ltx_endpoint_name(endpoint));
    post = json_object_get(json_object_get(json_object_get(doc, "paths"), path), "post");
    schema = json_object_get(
        json_object_get(json_object_get(json_object_get(post, "requestBody"), "content"),
                        "application/json"),
        "schema");
    return schema ? deref(doc, schema) : NULL;
}

static const char *json_type_of(int type)
{
    switch (type) {
    case LTX_FT_INTEGER: return "integer";
    case LTX_FT_NUMBER: return "number";
    case LTX_FT_BOOLEAN: return "boolean";
    case LTX_FT_ANY: return "any";
    default: return "string";
    }
}

static const ltx_field *row_for(const ltx_field *rows, size_t n, const char *name, int endpoint)
{
    for (size_t i = 0; i < n; i++)
        if ((rows[i].endpoints & LTX_EP(endpoint)) && strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

static int enum_differs(const char *const *values, json_t *spec_enum)
{
    size_t n = 0;

    if (!values || !spec_enum)
        return (values != NULL) != (spec_enum != NULL);
    for (; values[n]; n++)
        if (n >= json_array_size(spec_enum) || !json_is_string(json_array_get(spec_enum, n)) ||
            strcmp(values[n], json_string_value(json_array_get(spec_enum, n))) != 0)
            return 1;
    return n != json_array_size(spec_enum);
}

static int default_differs(const char *def, json_t *spec_default)
{
    json_t *mine;
    int differs;

    if (!def || !spec_default)
        return (def != NULL) != (spec_default != NULL);
    mine = json_loads(def, JSON_DECODE_ANY, NULL);
    differs = !mine || !json_equal(mine, spec_default);
    json_decref(mine);
    return differs;
}

/* Compare rows with the spec; every difference a row does not explain goes into r. */
static void compare(const ltx_field *rows, size_t n, json_t *doc, report *r)
{
    for (int ep = 1; ltx_endpoint_name(ep); ep++) {
        json_t *schema = request_schema(doc, ep), *props, *required, *p;
        const char *name;

        if (!schema) {
            note(r, "%s: no request schema in the spec\n", ltx_endpoint_name(ep));
            continue;
        }
        props = json_object_get(schema, "properties");
        required = json_object_get(schema, "required");
        json_object_foreach(props, name, p) {
            const ltx_field *row = row_for(rows, n, name, ep);
            json_t *t = deref(doc, p), *spec_enum, *spec_default;
            const char *type = json_string_value(json_object_get(t, "type"));
            int spec_required = 0, differs = 0;
            char what[512] = "";

            if (!row) {
                note(r, "%s.%s: in the spec, not in the table\n", ltx_endpoint_name(ep), name);
                continue;
            }
            for (size_t i = 0; i < json_array_size(required); i++)
                spec_required |= strcmp(json_string_value(json_array_get(required, i)), name) == 0;
            spec_enum = json_object_get(t, "enum");
            spec_default = json_object_get(p, "default");
            if (!spec_default)
                spec_default = json_object_get(t, "default");
            if (!type || strcmp(type, json_type_of(row->type)) != 0) {
                differs = 1;
                snprintf(what + strlen(what), sizeof(what) - strlen(what), " type %s vs %s;",
                         json_type_of(row->type), type ? type : "(none)");
            }
            if (spec_required != ((row->required & LTX_EP(ep)) != 0)) {
                differs = 1;
                snprintf(what + strlen(what), sizeof(what) - strlen(what), " required %d vs %d;",
                         (row->required & LTX_EP(ep)) != 0, spec_required);
            }
            if (enum_differs(row->values, spec_enum)) {
                differs = 1;
                snprintf(what + strlen(what), sizeof(what) - strlen(what), " enum differs;");
            }
            if (default_differs(row->def, spec_default)) {
                differs = 1;
                snprintf(what + strlen(what), sizeof(what) - strlen(what), " default differs;");
            }
            if (differs && !row->why)
                note(r, "%s.%s:%s and the row does not say why\n", ltx_endpoint_name(ep), name,
                     what);
        }
        /* the reverse: what the table says the document has, it has */
        for (size_t i = 0; i < n; i++) {
            int in_spec = json_object_get(props, rows[i].name) != NULL;

            if ((rows[i].endpoints & LTX_EP(ep)) && !in_spec)
                note(r, "%s.%s: in the table as documented, not in the spec\n",
                     ltx_endpoint_name(ep), rows[i].name);
            if ((rows[i].later & LTX_EP(ep)) && in_spec)
                note(r, "%s.%s: marked as added later, but the spec has it\n",
                     ltx_endpoint_name(ep), rows[i].name);
        }
    }
    /* every deliberate difference is explained */
    for (size_t i = 0; i < n; i++)
        if ((rows[i].later || rows[i].nullable || rows[i].open) && !rows[i].why)
            note(r, "%s: added later, nullable or an open enum, and the row does not say why\n",
                 rows[i].name);
}

START_TEST(field_table_matches_the_spec_or_says_why)
{
    json_t *doc = spec_load();
    report r = {.len = 0};

    compare(ltx__fields, ltx__n_fields, doc, &r);
    ck_assert_msg(r.differences == 0, "%u difference(s) between lib/fields.c and %s:\n%s",
                  r.differences, LTX_SPEC_PATH, r.text);
    json_decref(doc);
}
END_TEST

/* The comparison itself catches a changed row: the test above can fail. */
START_TEST(a_changed_row_is_a_difference)
{
    json_t *doc = spec_load();
    ltx_field *rows = malloc(ltx__n_fields * sizeof(*rows));
    static const char *const too_few[] = {"start", NULL};

    ck_assert_ptr_nonnull(rows);
    for (int change = 0; change < 6; change++) {
        report r = {.len = 0};
        int hit = 0;

        memcpy(rows, ltx__fields, ltx__n_fields * sizeof(*rows));
        for (size_t i = 0; i < ltx__n_fields; i++) {
            if (change == 0 && strcmp(rows[i].name, "guidance_scale") == 0)
                rows[i].type = LTX_FT_INTEGER, hit = 1;
            if (change == 1 && strcmp(rows[i].name, "start_time") == 0)
                rows[i].required = 0, hit = 1;
            if (change == 2 && strcmp(rows[i].name, "mode") == 0 &&
                (rows[i].endpoints & LTX_EP(LTX_ENDPOINT_EXTEND)))
                rows[i].values = too_few, hit = 1;
            if (change == 3 && strcmp(rows[i].name, "model") == 0 &&
                (rows[i].endpoints & LTX_EP(LTX_ENDPOINT_VIDEO_TO_VIDEO_REFRAME)))
                rows[i].why = NULL, hit = 1; /* reframe's optional model, unexplained */
            if (change == 4 && strcmp(rows[i].name, "context") == 0)
                rows[i].endpoints = 0, hit = 1; /* a documented field missing from the table */
            if (change == 5 && strcmp(rows[i].name, "generate_audio") == 0)
                rows[i].def = "false", hit = 1;
        }
        ck_assert_msg(hit, "change %d found no row", change);
        compare(rows, ltx__n_fields, doc, &r);
        ck_assert_msg(r.differences > 0, "change %d went unnoticed", change);
    }
    free(rows);
    json_decref(doc);
}
END_TEST

START_TEST(every_field_has_a_storage_slot)
{
    for (size_t i = 0; i < ltx__n_fields; i++) {
        int slot = ltx__field_slot(ltx__fields[i].name);

        ck_assert_msg(slot >= 0, "%s has no slot: grow LTX_FIELD_SLOTS", ltx__fields[i].name);
        ck_assert_str_eq(ltx__field_slot_name(slot), ltx__fields[i].name);
    }
    ck_assert_int_eq(ltx__field_slot("seed"), -1);
}
END_TEST

Suite *suite_fields(void)
{
    Suite *s = suite_create("fields");
    TCase *tc = tcase_create("spec");

    tcase_add_test(tc, field_table_matches_the_spec_or_says_why);
    tcase_add_test(tc, a_changed_row_is_a_difference);
    tcase_add_test(tc, every_field_has_a_storage_slot);
    suite_add_tcase(s, tc);
    return s;
}
