// 2-D convolutions through oneDNN (convolution_forward / deconvolution_forward, inference), in
// the layouts the primitive prefers (blocked nChw16c on AVX-512: the direct JIT kernels), with
// reorders from and to the plan's NCHW around it, as PyTorch's oneDNN path does. oneDNN threads
// the primitive over images, output-channel blocks and rows; each output's sum over input
// channels and taps stays inside one thread, so the result does not depend on the thread count
// (tests/unit/run/cnn_kernels_test.cc checks 1-4 threads bit for bit).
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "run/kernels/cnn_kernels.h"
#include "tessera/core/error.h"

#if defined(TESSERA_GEMM_DNNL)
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace tessera::run {

void check_conv_geometry(const ConvGeometry& c, const std::string& where) {
  auto bad = [&](const std::string& what) {
    throw Error(where + ": " + what + " is not a valid convolution");
  };
  for (int64_t v :
       {c.batch, c.in_channels, c.in_h, c.in_w, c.out_channels, c.out_h, c.out_w, c.kernel_h,
        c.kernel_w, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w, c.groups})
    if (v <= 0) bad("a size, stride, dilation or group of " + std::to_string(v));
  if (c.in_channels % c.groups || c.out_channels % c.groups)
    bad("group " + std::to_string(c.groups) + " with " + std::to_string(c.in_channels) + " -> " +
        std::to_string(c.out_channels) + " channels");
  for (int64_t p : {c.pad_top, c.pad_left})
    if (p < 0) bad("a negative pad");
  if (!c.transposed)
    for (int64_t p : {c.pad_bottom, c.pad_right})
      if (p < 0) bad("a negative pad");
}

void conv2d_reference(const ConvGeometry& c, const float* x, const float* w, const float* bias,
                      float* y, int threads) {
  const int64_t icg = c.in_channels / c.groups, ocg = c.out_channels / c.groups;
  const int64_t in_plane = c.in_h * c.in_w, out_plane = c.out_h * c.out_w;
#pragma omp parallel for num_threads(threads) schedule(static) collapse(2)
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t o = 0; o < c.out_channels; ++o) {
      const int64_t g = o / ocg, oo = o % ocg;
      float* yo = y + (n * c.out_channels + o) * out_plane;
      for (int64_t i = 0; i < out_plane; ++i) yo[i] = bias ? bias[o] : 0.0f;
      for (int64_t i = 0; i < icg; ++i) {
        const int64_t ci = g * icg + i;
        const float* xi = x + (n * c.in_channels + ci) * in_plane;
        for (int64_t kh = 0; kh < c.kernel_h; ++kh)
          for (int64_t kw = 0; kw < c.kernel_w; ++kw) {
            // Conv: weight [K, C/g, R, S]; transposed: [C, K/g, R, S] scattered to outputs.
            float wv = c.transposed ? w[((ci * ocg + oo) * c.kernel_h + kh) * c.kernel_w + kw]
                                    : w[((o * icg + i) * c.kernel_h + kh) * c.kernel_w + kw];
            if (!c.transposed) {
              for (int64_t oh = 0; oh < c.out_h; ++oh) {
                int64_t ih = oh * c.stride_h - c.pad_top + kh * c.dilation_h;
                if (ih < 0 || ih >= c.in_h) continue;
                for (int64_t ow = 0; ow < c.out_w; ++ow) {
                  int64_t iw = ow * c.stride_w - c.pad_left + kw * c.dilation_w;
                  if (iw >= 0 && iw < c.in_w) yo[oh * c.out_w + ow] += wv * xi[ih * c.in_w + iw];
                }
              }
            } else {
              for (int64_t ih = 0; ih < c.in_h; ++ih) {
                int64_t oh = ih * c.stride_h - c.pad_top + kh * c.dilation_h;
                if (oh < 0 || oh >= c.out_h) continue;
                for (int64_t iw = 0; iw < c.in_w; ++iw) {
                  int64_t ow = iw * c.stride_w - c.pad_left + kw * c.dilation_w;
                  if (ow >= 0 && ow < c.out_w) yo[oh * c.out_w + ow] += wv * xi[ih * c.in_w + iw];
                }
              }
            }
          }
      }
    }
}

#if defined(TESSERA_GEMM_DNNL)

namespace {

using dnnl::memory;
using tag = memory::format_tag;

}  // namespace

// One primitive per thread count: oneDNN sizes per-thread scratch and picks its blocking when a
// primitive is created, for the OpenMP thread count of that moment.
struct Conv2d::Impl {
  ConvGeometry c;
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  struct Prepared {
    dnnl::primitive conv;
    memory::desc src, weights, bias, dst;  // the primitive's layouts (blocked where it prefers)
    memory::desc user_src, user_dst;       // NCHW, as the plan stores activations
    std::vector<float> packed_weights;
    bool reorder_src = false, reorder_dst = false;
    size_t scratch_bytes = 0;
  };
  std::map<int, Prepared> by_threads;
  const float* prepared_for = nullptr;
  std::vector<float> zero_bias;  // convolutions without a bias add zeros

  memory::dims weight_dims() const {
    const int64_t icg = c.in_channels / c.groups, ocg = c.out_channels / c.groups;
    if (c.groups == 1) return {c.out_channels, icg, c.kernel_h, c.kernel_w};
    return {c.groups, ocg, icg, c.kernel_h, c.kernel_w};
  }

  // The weights in oneDNN's logical order ([g,] oc, ic, kh, kw), plain: a Conv's ONNX layout
  // already is; a ConvTranspose's [C, K/g, R, S] is regrouped.
  std::vector<float> plain_weights(const float* w) const {
    const int64_t icg = c.in_channels / c.groups, ocg = c.out_channels / c.groups;
    const int64_t taps = c.kernel_h * c.kernel_w;
    std::vector<float> out(static_cast<size_t>(c.out_channels * icg * taps));
    if (!c.transposed) {
      std::memcpy(out.data(), w, out.size() * sizeof(float));
      return out;
    }
    for (int64_t o = 0; o < c.out_channels; ++o) {
      int64_t g = o / ocg, oo = o % ocg;
      for (int64_t i = 0; i < icg; ++i)
        std::memcpy(&out[static_cast<size_t>((o * icg + i) * taps)],
                    w + ((g * icg + i) * ocg + oo) * taps, static_cast<size_t>(taps) * 4);
    }
    return out;
  }

  Prepared make(const float* w) const {
    auto f32 = memory::data_type::f32;
    Prepared p;
    p.user_src = memory::desc({c.batch, c.in_channels, c.in_h, c.in_w}, f32, tag::nchw);
    p.user_dst = memory::desc({c.batch, c.out_channels, c.out_h, c.out_w}, f32, tag::nchw);
    memory::desc src({c.batch, c.in_channels, c.in_h, c.in_w}, f32, tag::any);
    memory::desc dst({c.batch, c.out_channels, c.out_h, c.out_w}, f32, tag::any);
    memory::desc bias({c.out_channels}, f32, tag::x);
    memory::desc weights(weight_dims(), f32, tag::any);
    memory::dims strides = {c.stride_h, c.stride_w};
    memory::dims dilates = {c.dilation_h - 1, c.dilation_w - 1};  // oneDNN counts from 0
    memory::dims pad_l = {c.pad_top, c.pad_left}, pad_r = {c.pad_bottom, c.pad_right};
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    size_t scratch_bytes = 0;
    if (c.transposed) {
      dnnl::deconvolution_forward::desc d(dnnl::prop_kind::forward_inference,
                                          dnnl::algorithm::deconvolution_direct, src, weights, bias,
                                          dst, strides, dilates, pad_l, pad_r);
      dnnl::deconvolution_forward::primitive_desc pd(d, attr, engine);
      p.conv = dnnl::deconvolution_forward(pd);
      p.src = pd.src_desc(), p.weights = pd.weights_desc(), p.dst = pd.dst_desc();
      scratch_bytes = pd.scratchpad_desc().get_size();
    } else {
      dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference,
                                        dnnl::algorithm::convolution_direct, src, weights, bias,
                                        dst, strides, dilates, pad_l, pad_r);
      dnnl::convolution_forward::primitive_desc pd(d, attr, engine);
      p.conv = dnnl::convolution_forward(pd);
      p.src = pd.src_desc(), p.weights = pd.weights_desc(), p.dst = pd.dst_desc();
      scratch_bytes = pd.scratchpad_desc().get_size();
    }
    p.bias = bias;
    p.scratch_bytes = scratch_bytes;
    p.reorder_src = p.src != p.user_src;
    p.reorder_dst = p.dst != p.user_dst;
    std::vector<float> plain = plain_weights(w);
    memory::desc plain_md(weight_dims(), f32, c.groups == 1 ? tag::oihw : tag::goihw);
    p.packed_weights.resize(p.weights.get_size() / sizeof(float) + 1);
    dnnl::stream stream(engine);
    memory from(plain_md, engine, plain.data()), to(p.weights, engine, p.packed_weights.data());
    dnnl::reorder(from, to).execute(stream, from, to);
    stream.wait();
    return p;
  }
};

Conv2d::Conv2d(const ConvGeometry& geometry) : impl_(std::make_unique<Impl>()) {
  impl_->c = geometry;
  impl_->zero_bias.assign(static_cast<size_t>(geometry.out_channels), 0.0f);
}
Conv2d::~Conv2d() = default;

void Conv2d::run(const float* x, const float* weights, const float* bias, float* y, int threads) {
  Impl& m = *impl_;
  omp_set_num_threads(threads);  // oneDNN's OpenMP runtime threads the primitive
  try {
    if (m.prepared_for != weights) m.by_threads.clear(), m.prepared_for = weights;
    auto it = m.by_threads.find(threads);
    if (it == m.by_threads.end()) it = m.by_threads.emplace(threads, m.make(weights)).first;
    Impl::Prepared& p = it->second;
    dnnl::stream stream(m.engine);
    memory user_src(p.user_src, m.engine, const_cast<float*>(x));
    memory user_dst(p.user_dst, m.engine, y);
    // Blocked copies of the activations and oneDNN's scratch live in buffers shared by every
    // convolution of the thread (steps run one at a time), so a deep network holds them once.
    thread_local std::vector<float> src_buffer, dst_buffer;
    thread_local std::vector<uint8_t> scratch;
    auto room = [](auto& buffer, size_t bytes) {
      size_t count = bytes / sizeof(buffer[0]) + 16;
      if (buffer.size() < count) buffer.resize(count);
      return buffer.data();
    };
    memory src =
        p.reorder_src ? memory(p.src, m.engine, room(src_buffer, p.src.get_size())) : user_src;
    memory dst =
        p.reorder_dst ? memory(p.dst, m.engine, room(dst_buffer, p.dst.get_size())) : user_dst;
    if (p.reorder_src) dnnl::reorder(user_src, src).execute(stream, user_src, src);
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, src},
        {DNNL_ARG_WEIGHTS, memory(p.weights, m.engine, p.packed_weights.data())},
        {DNNL_ARG_BIAS,
         memory(p.bias, m.engine, const_cast<float*>(bias ? bias : m.zero_bias.data()))},
        {DNNL_ARG_DST, dst}};
    if (p.scratch_bytes > 0)
      args.insert({DNNL_ARG_SCRATCHPAD, memory(memory::desc({static_cast<int64_t>(p.scratch_bytes)},
                                                            memory::data_type::u8, tag::x),
                                               m.engine, room(scratch, p.scratch_bytes))});
    p.conv.execute(stream, args);
    if (p.reorder_dst) dnnl::reorder(dst, user_dst).execute(stream, dst, user_dst);
    stream.wait();
  } catch (const dnnl::error& e) {
    throw Error(std::string("oneDNN convolution failed: ") + e.what());
  }
}

#else  // builds without oneDNN: the direct loops

struct Conv2d::Impl {
  ConvGeometry c;
};
Conv2d::Conv2d(const ConvGeometry& geometry) : impl_(std::make_unique<Impl>()) {
  impl_->c = geometry;
}
Conv2d::~Conv2d() = default;
void Conv2d::run(const float* x, const float* weights, const float* bias, float* y, int threads) {
  conv2d_reference(impl_->c, x, weights, bias, y, threads);
}

#endif

}  // namespace tessera::run
