// 2-D convolutions through oneDNN (convolution_forward / deconvolution_forward, inference).
// Determinism: the output channels of each image are cut into fixed chunks (16 channels when
// groups = 1, else whole groups of about 16 channels); each chunk is one primitive call on one
// thread, created while OpenMP allows one thread, so the same chunk computes the same sums in the
// same order whatever the plan's thread count.
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

struct Chunk {
  int64_t out_begin, out_count;  // output channels
  int64_t in_begin, in_count;    // input channels they read
  int64_t groups;                // groups inside the chunk
};

std::vector<Chunk> chunks_of(const ConvGeometry& c) {
  constexpr int64_t kChannels = 16;
  const int64_t icg = c.in_channels / c.groups, ocg = c.out_channels / c.groups;
  std::vector<Chunk> chunks;
  if (c.groups == 1) {
    for (int64_t o = 0; o < c.out_channels; o += kChannels)
      chunks.push_back({o, std::min(kChannels, c.out_channels - o), 0, c.in_channels, 1});
    return chunks;
  }
  const int64_t per = std::max<int64_t>(1, kChannels / ocg);
  for (int64_t g = 0; g < c.groups; g += per) {
    int64_t n = std::min(per, c.groups - g);
    chunks.push_back({g * ocg, n * ocg, g * icg, n * icg, n});
  }
  return chunks;
}

using dnnl::memory;
using tag = memory::format_tag;

}  // namespace

struct Conv2d::Impl {
  ConvGeometry c;
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  std::vector<Chunk> chunks;
  struct Prepared {
    dnnl::primitive primitive;
    memory::desc src, weights, bias, dst;
    size_t scratch_bytes = 0;
  };
  std::map<std::pair<int64_t, int64_t>, Prepared> by_shape;  // (groups, out_count)
  std::vector<std::vector<float>> chunk_weights;             // in the primitive's layout
  const float* prepared_for = nullptr;
  size_t scratch_bytes = 0;
  std::vector<float> zero_bias;  // convolutions without a bias add zeros

  memory::dims weight_dims(const Chunk& k) const {
    const int64_t icg = c.in_channels / c.groups;
    const int64_t ocg = k.out_count / k.groups;
    if (k.groups == 1) return {k.out_count, icg, c.kernel_h, c.kernel_w};
    return {k.groups, ocg, icg, c.kernel_h, c.kernel_w};
  }

  Prepared make(const Chunk& k) const {
    auto f32 = memory::data_type::f32;
    memory::desc src({1, k.in_count, c.in_h, c.in_w}, f32, tag::nchw);
    memory::desc dst({1, k.out_count, c.out_h, c.out_w}, f32, tag::nchw);
    memory::desc bias({k.out_count}, f32, tag::x);
    memory::desc weights(weight_dims(k), f32, tag::any);
    memory::dims strides = {c.stride_h, c.stride_w};
    memory::dims dilates = {c.dilation_h - 1, c.dilation_w - 1};  // oneDNN counts from 0
    memory::dims pad_l = {c.pad_top, c.pad_left}, pad_r = {c.pad_bottom, c.pad_right};
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    Prepared p;
    if (c.transposed) {
      dnnl::deconvolution_forward::desc d(dnnl::prop_kind::forward_inference,
                                          dnnl::algorithm::deconvolution_direct, src, weights, bias,
                                          dst, strides, dilates, pad_l, pad_r);
      dnnl::deconvolution_forward::primitive_desc pd(d, attr, engine);
      p.primitive = dnnl::deconvolution_forward(pd);
      p.weights = pd.weights_desc();
      p.scratch_bytes = pd.scratchpad_desc().get_size();
    } else {
      dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference,
                                        dnnl::algorithm::convolution_direct, src, weights, bias,
                                        dst, strides, dilates, pad_l, pad_r);
      dnnl::convolution_forward::primitive_desc pd(d, attr, engine);
      p.primitive = dnnl::convolution_forward(pd);
      p.weights = pd.weights_desc();
      p.scratch_bytes = pd.scratchpad_desc().get_size();
    }
    p.src = src;
    p.dst = dst;
    p.bias = bias;
    return p;
  }

  // The chunk's weights in oneDNN's logical order ([g,] oc, ic, kh, kw), plain.
  std::vector<float> plain_weights(const Chunk& k, const float* w) const {
    const int64_t icg = c.in_channels / c.groups, ocg = c.out_channels / c.groups;
    const int64_t taps = c.kernel_h * c.kernel_w;
    std::vector<float> out(static_cast<size_t>(k.out_count * icg * taps));
    if (!c.transposed) {  // [K, C/g, R, S]: the chunk's rows are contiguous
      std::memcpy(out.data(), w + k.out_begin * icg * taps, out.size() * sizeof(float));
      return out;
    }
    // ConvTranspose [C, K/g, R, S] -> [K, C/g, R, S] per group.
    for (int64_t o = 0; o < k.out_count; ++o) {
      int64_t og = k.out_begin + o, g = og / ocg, oo = og % ocg;
      for (int64_t i = 0; i < icg; ++i)
        std::memcpy(&out[static_cast<size_t>((o * icg + i) * taps)],
                    w + ((g * icg + i) * ocg + oo) * taps, static_cast<size_t>(taps) * 4);
    }
    return out;
  }

  void prepare(const float* w) {
    // Primitive choice (and hence summation order) must not depend on the thread count.
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    try {
      dnnl::stream stream(engine);
      chunk_weights.clear();
      for (const Chunk& k : chunks) {
        auto key = std::make_pair(k.groups, k.out_count);
        if (!by_shape.count(key)) by_shape.emplace(key, make(k));
        const Prepared& p = by_shape.at(key);
        scratch_bytes = std::max(scratch_bytes, p.scratch_bytes);
        std::vector<float> plain = plain_weights(k, w);
        memory::desc plain_md(weight_dims(k), memory::data_type::f32,
                              k.groups == 1 ? tag::oihw : tag::goihw);
        std::vector<float> packed(p.weights.get_size() / sizeof(float) + 1);
        memory from(plain_md, engine, plain.data()), to(p.weights, engine, packed.data());
        dnnl::reorder(from, to).execute(stream, from, to);
        stream.wait();
        chunk_weights.push_back(std::move(packed));
      }
    } catch (const dnnl::error& e) {
      omp_set_num_threads(saved);
      throw Error(std::string("oneDNN convolution setup failed: ") + e.what());
    }
    omp_set_num_threads(saved);
    prepared_for = w;
  }
};

Conv2d::Conv2d(const ConvGeometry& geometry) : impl_(std::make_unique<Impl>()) {
  impl_->c = geometry;
  impl_->chunks = chunks_of(geometry);
  impl_->zero_bias.assign(static_cast<size_t>(geometry.out_channels), 0.0f);
}
Conv2d::~Conv2d() = default;

void Conv2d::run(const float* x, const float* weights, const float* bias, float* y, int threads) {
  Impl& m = *impl_;
  if (m.prepared_for != weights) m.prepare(weights);
  if (!bias) bias = m.zero_bias.data();
  const ConvGeometry& c = m.c;
  const int64_t tasks = c.batch * static_cast<int64_t>(m.chunks.size());
  const int64_t in_plane = c.in_h * c.in_w, out_plane = c.out_h * c.out_w;
  std::string failure;
#pragma omp parallel num_threads(threads)
  {
    std::vector<uint8_t> scratch(m.scratch_bytes + 64);
    dnnl::stream stream(m.engine);
#pragma omp for schedule(static)
    for (int64_t t = 0; t < tasks; ++t) {
      const int64_t n = t / static_cast<int64_t>(m.chunks.size());
      const size_t ci = static_cast<size_t>(t % static_cast<int64_t>(m.chunks.size()));
      const Chunk& k = m.chunks[ci];
      const Impl::Prepared& p = m.by_shape.at({k.groups, k.out_count});
      try {
        memory src(p.src, m.engine,
                   const_cast<float*>(x + (n * c.in_channels + k.in_begin) * in_plane));
        memory dst(p.dst, m.engine, y + (n * c.out_channels + k.out_begin) * out_plane);
        memory w(p.weights, m.engine, m.chunk_weights[ci].data());
        memory b(p.bias, m.engine, const_cast<float*>(bias) + k.out_begin);
        std::unordered_map<int, memory> args = {
            {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, dst}};
        if (p.scratch_bytes > 0)
          args.insert(
              {DNNL_ARG_SCRATCHPAD, memory(memory::desc({static_cast<int64_t>(p.scratch_bytes)},
                                                        memory::data_type::u8, tag::x),
                                           m.engine, scratch.data())});
        p.primitive.execute(stream, args);
        stream.wait();
      } catch (const dnnl::error& e) {
#pragma omp critical
        failure = e.what();
      }
    }
  }
  if (!failure.empty()) throw Error("oneDNN convolution failed: " + failure);
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
