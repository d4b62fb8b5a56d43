// The Transformer families and their presets (issue #2): configurations from the survey
// (001 Table 1: BERT-Base/Large, GPT-2; Table 10: BERT-Base with 4 heads; Table 9: a NAS-found
// decoder with per-layer heads and FFN sizes) and from NLP-Fast (002 Table IV: the "base"
// Transformer and BERT configurations and their S/H/F-4x variants).
#include "model/zoo/transformer_blocks.h"
#include "model/zoo/zoo_registry.h"

namespace tessera::model::zoo {
namespace {

using Overrides = std::map<std::string, std::string>;

// NLP-Fast's S/H/F-4x variants multiply s, d_H or d_FF by four (002 Sec. VI-A). H-4x keeps the
// head size (d_H/h = 64): NLP-Fast notes that "head_size is fixed in different NLP models"
// (Sec. III-B1), so the head count grows with d_H.
void add_nlpfast(std::vector<ZooPreset>& out, const std::string& name, const std::string& family,
                 const std::string& seq_key, Overrides base, const std::string& what) {
  auto times4 = [](const std::string& v) { return std::to_string(4 * std::stoll(v)); };
  out.push_back({name, family, base, "NLP-Fast base " + what + " (002 Table IV)"});
  Overrides s = base, h = base, f = base;
  s[seq_key] = times4(base[seq_key]);
  if (seq_key == "src_seq") s["seq"] = times4(base["seq"]);
  h["d"] = times4(base["d"]);
  h["heads"] = times4(base["heads"]);
  f["ffn"] = times4(base["ffn"]);
  out.push_back({name + "-s4x", family, s, "NLP-Fast " + what + " S-4x: 4x sequence length"});
  out.push_back({name + "-h4x", family, h, "NLP-Fast " + what + " H-4x: 4x d_H (head size kept)"});
  out.push_back({name + "-f4x", family, f, "NLP-Fast " + what + " F-4x: 4x d_FF"});
}

std::vector<ZooPreset> transformer_presets() {
  const std::string enc = "transformer-encoder", dec = "transformer-decoder",
                    encdec = "transformer-encdec";
  std::vector<ZooPreset> p = {
      {"bert-base", enc, {}, "BERT-Base: d=768, h=12, N=12, d_FFN=3072 (001 Table 1)"},
      {"bert-large",
       enc,
       {{"d", "1024"}, {"heads", "16"}, {"layers", "24"}, {"ffn", "4096"}},
       "BERT-Large: d=1024, h=16, N=24, d_FFN=4096 (001 Table 1)"},
      {"bert-base-4heads",
       enc,
       {{"heads", "4"}},
       "hypothetical BERT-Base with 4 attention heads (001 Table 10)"},
      {"gpt2", dec, {}, "GPT-2 small: d=768, h=12, N=12 (001 Table 1, Table 11)"},
      {"gpt2-medium",
       dec,
       {{"d", "1024"}, {"heads", "16"}, {"layers", "24"}},
       "GPT-2 medium: d=1024, h=16, N=24"},
      {"gpt2-large",
       dec,
       {{"d", "1280"}, {"heads", "20"}, {"layers", "36"}},
       "GPT-2 large: d=1280, h=20, N=36"},
      {"gpt2-xl",
       dec,
       {{"d", "1600"}, {"heads", "25"}, {"layers", "48"}},
       "GPT-2 XL: d=1600, h=25, N=48"},
      {"survey-nas-table9",
       dec,
       {{"layers", "6"},
        {"d", "672"},
        {"heads", "12/6/12/8/10/6"},
        {"head_dim", "64"},
        {"ffn", "1280/1280/2560/768/2048/1024"}},
       "NAS-found decoder with per-layer heads and d_FFN (001 Table 9; head_dim 64 assumed)"},
      {"transformer-base", encdec, {}, "Vaswani Transformer base: d=512, h=8, 6+6 layers"},
      {"transformer-big",
       encdec,
       {{"d", "1024"}, {"heads", "16"}, {"ffn", "4096"}},
       "Vaswani Transformer big: d=1024, h=16, 6+6 layers, d_ff=4096"},
  };
  // NLP-Fast Table IV: s=256, d_H=1024, d_FF=4096 for both; the layer counts and heads are those
  // of the papers the configurations come from (Transformer big [2], BERT-Large [3]).
  add_nlpfast(p, "nlpfast-bert", enc, "seq",
              {{"seq", "256"}, {"d", "1024"}, {"heads", "16"}, {"layers", "24"}, {"ffn", "4096"}},
              "BERT");
  add_nlpfast(p, "nlpfast-transformer", encdec, "src_seq",
              {{"src_seq", "256"}, {"seq", "256"}, {"d", "1024"}, {"heads", "16"}, {"ffn", "4096"}},
              "Transformer");
  return p;
}

}  // namespace

FamilyGroup transformer_families() {
  FamilyGroup group;
  group.families = {transformer_encoder_family(), transformer_decoder_family(),
                    transformer_encdec_family()};
  group.presets = transformer_presets();
  return group;
}

}  // namespace tessera::model::zoo
