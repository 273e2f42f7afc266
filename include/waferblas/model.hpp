// waferblas/model.hpp — the analytic wafer timing model (standard library only).
//
//   #include <waferblas/model.hpp>
//   namespace wm = waferblas::model;
//   auto r = wm::estimate(waferblas::plan_spmv(A, waferblas::pe_grid{8, 8}, waferblas::placement::checkerboard),
//                         wm::wse2());
//   std::cout << wm::to_text(r);
//   auto s = wm::estimate(wm::structured_problem{wm::stencil::star7_3d, 750, 994, 740}, wm::wse2());
//
// Formulas, sources and the comparison with published figures: docs/model.md.
#pragma once

#include "model/dtype.hpp"
#include "model/machine.hpp"
#include "model/communication.hpp"
#include "model/compute.hpp"
#include "model/report.hpp"
#include "model/finish.hpp"
#include "model/estimate.hpp"
#include "model/render.hpp"
#include "model/structured.hpp"
#include "model/solvers.hpp"
#include "model/layers.hpp"
