const firebaseConfig = {
  apiKey: "AIzazf2kp_O-DXQtyHowEt_Q8jgMr0WzBcNHq_Q",
  authDomain: "app-0.firebaseapp.com",
  projectId: "app-0",
};
