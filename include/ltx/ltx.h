/* ltx/ltx.h — the whole libltx API: include this one header. */
#ifndef LTX_LTX_H
#define LTX_LTX_H

#include <ltx/common.h>
#include <ltx/version.h>
#include <ltx/error.h>
#include <ltx/cancel.h>
#include <ltx/client.h>
#include <ltx/request.h>
#include <ltx/sink.h>
#include <ltx/job.h>
#include <ltx/models.h>
#include <ltx/upload.h>
#include <ltx/batch.h>
#include <ltx/price.h>

#endif
